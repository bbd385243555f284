/** The scope guard: what the active milestone may change, and what each change is. */
export { SCOPE_CODES, DEFAULT_SEVERITY, CODE_DESCRIPTIONS, severityOf, parseSeverityOverrides, isScopeCode, mergeSeverity } from './codes';
export type { ScopeCode, SeverityLevel, SeverityOverrides } from './codes';
export { classifyFile, textsNeeded, type ScopeFinding, type HunkRange, type FileTexts } from './classify';
export { buildScopeModel, trackingMatcher, inMilestoneCrate, type ScopeModel, type BaseHotspot, type RefLocator } from './model';
export { parseAllowedFiles, allowFileEdit, ALLOWED_SECTION, type AllowedEntry, type AllowedFiles } from './allowed';
export { cratesOf, packageName, crateOfFile, type CrateInfo } from './crates';
export {
  parseDependencies,
  parseDependenciesTolerant,
  type DependencyEntry,
  type DependencySource,
  type ParsedDependencies,
  type TomlReader,
} from './cargoToml';
export { pinChanges, pinMatcher, describePinChange, describeReaders, type PinChange, type PinReaders } from './pins';
export {
  hotspotRegions,
  hunkTouches,
  hunkInRegion,
  hunkWithinRegion,
  describeRegion,
  rustItemsCached,
  cFunctionsCached,
  type Region,
} from './regions';
export { findCFunctions, isCLikeFile, type CFunction, type CFunctions } from './clike/functions';
export { findRustItems, enclosingItem, itemPath, type RustItem, type RustItemKind } from './rust/items';
export { findUnsafe, type UnsafeSite } from './rust/unsafe';
export { lexRust } from './rust/lexer';
export {
  ScopeSession,
  checkScope,
  resolveActiveMilestone,
  type ScopeResult,
  type BaseSource,
  type ActiveChoice,
  type CheckScopeOptions,
} from './check';
export { revertHunk, minimalReplacement } from './revert';
