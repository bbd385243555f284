/** The scope guard: what the active milestone may change, and what each change is. */
export { SCOPE_CODES, DEFAULT_SEVERITY, CODE_DESCRIPTIONS, severityOf, parseSeverityOverrides, isScopeCode, mergeSeverity } from './codes';
export type { ScopeCode, SeverityLevel, SeverityOverrides } from './codes';
export { classifyFile, textsNeeded, type ScopeFinding, type HunkRange, type FileTexts } from './classify';
export { buildScopeModel, trackingMatcher, inMilestoneCrate, type ScopeModel, type BaseHotspot, type RefLocator } from './model';
export { parseAllowedFiles, allowFileEdit, ALLOWED_SECTION, type AllowedEntry, type AllowedFiles } from './allowed';
export { cratesOf, packageName, crateOfFile, type CrateInfo } from './crates';
export { parseDependencies, type DependencyEntry, type DependencySource } from './cargoToml';
export { pinChanges, pinMatcher, describePinChange, type PinChange } from './pins';
export { hotspotRegions, hunkTouches, rustItemsCached, type Region } from './regions';
export { findRustItems, enclosingItem, itemPath, type RustItem, type RustItemKind } from './rust/items';
export { findUnsafe, type UnsafeSite } from './rust/unsafe';
export { lexRust } from './rust/lexer';
export { ScopeSession, checkScope, resolveActiveMilestone, type ScopeResult, type BaseSource, type ActiveChoice, type CheckScopeOptions } from './check';
export { revertHunk, minimalReplacement } from './revert';
