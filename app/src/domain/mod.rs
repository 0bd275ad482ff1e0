//! Plain types and rules of the customer archive, without I/O.
//!
//! Everything here compiles for the server and for the browser, so an intake
//! form checks exactly what the server checks. Each value that must obey a
//! rule is a newtype with one fallible constructor ("parse, don't validate").

pub mod account;
pub mod analysis;
pub mod archive_code;
pub mod area;
pub mod audit;
pub mod backup;
pub mod consent;
pub mod customer;
pub mod feedback;
pub mod history;
pub mod id_document;
pub mod intake;
pub mod lifecycle;
pub mod masking;
pub mod phone;
pub mod profile;
pub mod quality;
pub mod region;
pub mod requests;
pub mod rights;
pub mod search;
pub mod time_fmt;
pub mod timeline;
pub mod township;
pub mod upkeep;

pub use account::{CurrentUser, PasswordPolicy, Username};
pub use archive_code::{ArchiveCode, ArchiveCodeScheme};
pub use area::AreaMu;
pub use customer::{
    Customer, CustomerGroup, CustomerStatus, CustomerSummary, DuplicateCandidate, DuplicateReason,
};
pub use id_document::{IdDocument, IdKind};
pub use intake::{CheckedFile, CustomerDetails, CustomerForm, Field, FieldError, PersonName};
pub use masking::SensitiveField;
pub use phone::Phone;
pub use region::RegionCode;
pub use rights::{RegionScope, Right, Role};
