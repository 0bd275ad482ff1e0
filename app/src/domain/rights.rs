//! Roles and rights (DESIGN.md §3): one table that the server enforces, the
//! pages consult to show what a person may do, and the README prints.

use serde::{Deserialize, Serialize};

use super::RegionCode;

/// What a person does in the cooperative, and so what the archive lets them do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 管理员: users, settings, policies; no customer files.
    Admin,
    /// 档案管理员: every file, verification, disposal.
    Archivist,
    /// 业务员: intake and upkeep in their own regions.
    Staff,
    /// 审计员: audit trail and reports; no personal details.
    Auditor,
    /// 负责人: reads everything in their regions, analysis, approves disposal.
    Manager,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Self::Admin,
        Self::Archivist,
        Self::Staff,
        Self::Auditor,
        Self::Manager,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Archivist => "archivist",
            Self::Staff => "staff",
            Self::Auditor => "auditor",
            Self::Manager => "manager",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.key() == key)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Admin => "管理员",
            Self::Archivist => "档案管理员",
            Self::Staff => "业务员",
            Self::Auditor => "审计员",
            Self::Manager => "负责人",
        }
    }

    /// Staff and managers work within the regions assigned to them; the
    /// others are not tied to a region.
    pub fn is_region_scoped(self) -> bool {
        matches!(self, Self::Staff | Self::Manager)
    }

    pub fn may(self, right: Right) -> bool {
        RIGHTS
            .iter()
            .any(|(r, roles)| *r == right && roles.contains(&self))
    }
}

/// What a server function needs the caller to be allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Right {
    /// Open a new customer file.
    CreateCustomer,
    /// Read one file, with personal details masked.
    ViewCustomer,
    /// List and search files.
    SearchCustomers,
    /// See a masked ID number or phone in full; every use is recorded.
    RevealPersonalData,
    /// Change a file's details (every change is kept in its history).
    EditCustomer,
    /// Read, check and export the audit trail; acknowledge alerts.
    ViewAudit,
    /// Create, disable and change accounts.
    ManageUsers,
    /// Change the archive's settings, such as the list of cooperation
    /// intentions and the verification cycles.
    ManageSettings,
    /// Verify files with their customers (定期核对) and correct what changed.
    VerifyCustomer,
    /// Add to a file's relationship timeline and move its issues and
    /// follow-ups on.
    KeepTimeline,
    /// Read the data-quality report of one's regions.
    ViewQualityReport,
    /// Read everyone's feedback on the system, mark it handled and answer.
    HandleFeedback,
    /// Propose destroying a file past retention, or keeping it longer.
    ProposeDisposal,
    /// Approve or reject a proposal (never one's own).
    ApproveDisposal,
    /// Set or lift a legal hold, which stops review and destruction.
    SetLegalHold,
    /// Read the disposal review and the register of destroyed files.
    ViewDisposals,
    /// Take, list and restore backups of the whole archive.
    ManageBackups,
    /// Register and answer the requests of the people in the files, and
    /// produce the copy of what is held about them.
    HandleRequests,
    /// Record a person's consent for purposes of processing, or its
    /// withdrawal.
    RecordConsent,
    /// Draw up the subsidy roster of the files that consented to it.
    ExportSubsidyRoster,
    /// See the counts, potential scores and watch list of the files in
    /// one's regions, and export them.
    ViewAnalysis,
}

impl Right {
    pub fn label(self) -> &'static str {
        match self {
            Self::CreateCustomer => "新建档案",
            Self::ViewCustomer => "查看档案",
            Self::SearchCustomers => "查询档案",
            Self::RevealPersonalData => "查看完整证件号和电话",
            Self::EditCustomer => "修改档案",
            Self::ViewAudit => "审计记录与预警",
            Self::ManageUsers => "管理用户",
            Self::ManageSettings => "修改系统设置",
            Self::VerifyCustomer => "定期核对",
            Self::KeepTimeline => "记录客户往来",
            Self::ViewQualityReport => "数据质量报告",
            Self::HandleFeedback => "处理意见反馈",
            Self::ProposeDisposal => "提议销毁或延期",
            Self::ApproveDisposal => "审批销毁或延期",
            Self::SetLegalHold => "法律保全（冻结）",
            Self::ViewDisposals => "查看销毁审核与登记",
            Self::ManageBackups => "备份与恢复",
            Self::HandleRequests => "个人信息请求",
            Self::RecordConsent => "登记同意与撤回",
            Self::ExportSubsidyRoster => "导出补贴申报名册",
            Self::ViewAnalysis => "数据分析",
        }
    }
}

use Role::{Admin, Archivist, Auditor, Manager, Staff};

/// The rights table. Rights not listed for a role are refused; region-scoped
/// roles hold their rights only inside their regions.
pub const RIGHTS: [(Right, &[Role]); 21] = [
    (Right::CreateCustomer, &[Archivist, Staff]),
    (Right::ViewCustomer, &[Archivist, Staff, Manager]),
    (Right::SearchCustomers, &[Archivist, Staff, Manager]),
    (Right::RevealPersonalData, &[Archivist, Staff, Manager]),
    (Right::EditCustomer, &[Archivist, Staff]),
    (Right::ViewAudit, &[Admin, Auditor]),
    (Right::ManageUsers, &[Admin]),
    (Right::ManageSettings, &[Admin]),
    (Right::VerifyCustomer, &[Archivist, Staff]),
    (Right::KeepTimeline, &[Archivist, Staff, Manager]),
    (Right::ViewQualityReport, &[Archivist, Auditor, Manager]),
    (Right::HandleFeedback, &[Admin, Manager]),
    (Right::ProposeDisposal, &[Archivist]),
    (Right::ApproveDisposal, &[Manager]),
    (Right::SetLegalHold, &[Archivist, Manager]),
    (Right::ViewDisposals, &[Archivist, Auditor, Manager]),
    (Right::ManageBackups, &[Admin]),
    (Right::HandleRequests, &[Archivist, Manager]),
    (Right::RecordConsent, &[Archivist, Staff]),
    (Right::ExportSubsidyRoster, &[Archivist, Manager]),
    (Right::ViewAnalysis, &[Archivist, Staff, Manager]),
];

/// The regions a person may work in: whole provinces, cities or counties.
/// `None` means every region.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionScope(Option<Vec<String>>);

impl RegionScope {
    pub fn everywhere() -> Self {
        Self(None)
    }

    /// The scope of a person with `role` assigned `regions`. A scoped role
    /// with no regions reaches no file at all.
    pub fn for_role(role: Role, regions: &[RegionCode]) -> Self {
        if !role.is_region_scoped() {
            return Self::everywhere();
        }
        Self(Some(
            regions
                .iter()
                .map(|r| r.tree_prefix().to_string())
                .collect(),
        ))
    }

    /// Whether a file in `region` lies inside the scope.
    pub fn contains(&self, region: &str) -> bool {
        match &self.0 {
            None => true,
            Some(prefixes) => prefixes.iter().any(|p| region.starts_with(p.as_str())),
        }
    }

    /// The code prefixes a file's region must start with, or `None` for all.
    pub fn prefixes(&self) -> Option<&[String]> {
        self.0.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn region(code: &str) -> RegionCode {
        RegionCode::parse(code).expect("valid region")
    }

    #[test]
    fn only_the_administrator_manages_users_and_sees_no_files() {
        assert!(Role::Admin.may(Right::ManageUsers));
        assert!(!Role::Admin.may(Right::ViewCustomer));
        assert!(!Role::Archivist.may(Right::ManageUsers));
    }

    #[test]
    fn the_auditor_reaches_no_personal_details() {
        for right in [
            Right::ViewCustomer,
            Right::SearchCustomers,
            Right::RevealPersonalData,
        ] {
            assert!(!Role::Auditor.may(right));
        }
    }

    #[test]
    fn staff_scope_covers_any_level_of_the_region_tree() {
        let scope = RegionScope::for_role(Role::Staff, &[region("510100"), region("330106")]);
        assert!(scope.contains("510104"));
        assert!(scope.contains("330106"));
        assert!(!scope.contains("330105"));
        assert!(!scope.contains("520102"));

        let province = RegionScope::for_role(Role::Manager, &[region("510000")]);
        assert!(province.contains("511702"));
    }

    #[test]
    fn a_scoped_role_without_regions_reaches_nothing_and_an_archivist_everything() {
        assert!(!RegionScope::for_role(Role::Staff, &[]).contains("510104"));
        assert!(RegionScope::for_role(Role::Archivist, &[]).contains("510104"));
    }
}
