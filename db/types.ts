// The types the renderer may see, in one place: it imports types from here (and db/api.ts) only, never from an
// area's modules (tests/unit/layers.test.ts holds the line). A type the UI needs is re-exported here first.

export type { AuditAnchor, AuditEntry, AuditVerification } from './audit/audit.js';
export type { UserRow } from './auth/users.js';
export type { BackupInfo } from './backup/backup.js';
export type { RegionRow } from './codes/regions.js';
export type { ImportSummary } from './enterprises/excel.js';
export type { ListedEnterprise } from './enterprises/queries.js';
export type { EnterpriseRow, ListQuery, TierRow } from './enterprises/schema.js';
export type { EnterpriseDetail } from './enterprises/service.js';
export type { CheckFailure } from './exchange/checks.js';
export type { ConsolidateRow } from './exchange/consolidate.js';
export type { Conflict, Merge, TableSummary } from './exchange/import.js';
export type { Peer } from './exchange/keys.js';
export type { PackageLogRow, SubmissionRow } from './exchange/status.js';
export type { OriginOption, SummaryRow } from './exchange/summary.js';
export type { ClaimImportSummary } from './exhibitions/excel.js';
export type { BoothLine, CapHit, GovLevel, ItemLine, ItemType, MarketType, Material, PaymentMethod, RuleTableInput, Scope } from './exhibitions/rules.js';
export type { AttachmentRow, ClaimInput, ClaimStatus, FairInput, RuleSetRow } from './exhibitions/schema.js';
export type { BatchRow, ClaimDetail, ClaimListRow, FairView, RecalcChange, RuleSetView } from './exhibitions/service.js';
export type { AllowedAction } from './exhibitions/workflow.js';
export type { AppStatus, HostOpName, HostOpOutput, HostOperations } from './host.js';
export type { Office } from './office/service.js';
export type { OfficeRow } from './ownership/origin.js';
export type { AppErrorData, Result } from './result.js';
export type { ListedSanction } from './sanctions/service.js';
export type { IndicatorDef, TransitionAction } from './towns/rules.js';
export type { DesignationRow, MemberRow, PlatformRow, ProjectRow, TownListQuery, TownRow } from './towns/schema.js';
export type { RosterImportSummary } from './training/excel.js';
export type { LedgerRow, ProgressRow } from './training/reports.js';
export type { TraineeLine } from './training/rules.js';
export type { BandRow, InstitutionRow, Level, MoneyRow, PlanStatus, PlanType, StepRow } from './training/schema.js';
export type { AttendeeRow, CourseRow, EnterpriseCourseTotal, PlanDetail, PlanListed, RuleSetDetail, Settlement, TraineeOut } from './training/service.js';
