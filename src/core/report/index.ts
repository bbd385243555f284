/** The end-of-milestone report and the completion of a milestone. */
export type * from './model';
export { prepareReport, planCompletion, applyCompletion, completeMilestone, recordedSummary } from './complete';
export type { ReportOptions, PreparedReport, CompleteOptions, CompletionPlan, CompletionResult } from './complete';
export { renderReport, renderTrackingSections, SECTION_NAMES } from './render';
export { analyseTraces, reportHeader, type LoadedTrace } from './analyse';
export { computeTiming, residualBottlenecks, chooseRoot, isCounterName } from './timing';
export { workItemMatcher, backtickedNames } from './workItemMatch';
export { parseValidationRuns } from './validationRuns';
export { changedFiles, fileVerdict } from './changes';
export { decideOwnership, completionRefusals, computeCompletionEdits, PLACEMENTS } from './completion';
export { placeSection, type SectionPlacement } from './trackingSections';
