//! Who is calling a server function, and what they may do.
//!
//! Every server function obtains its caller here, once, and checks the right
//! it needs before it reads or writes anything. Hiding a button is not a check.

use serde::{Deserialize, Serialize};

/// What a server function needs the caller to be allowed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Right {
    /// Open a new customer file.
    CreateCustomer,
    /// Read one file in full.
    ViewCustomer,
    /// List and search files.
    SearchCustomers,
}

/// The person behind a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Caller {
    /// The account name written into `created_by` / `updated_by`.
    actor: String,
}

impl Caller {
    pub fn actor(&self) -> &str {
        &self.actor
    }
}

#[cfg(feature = "ssr")]
mod ssr {
    use super::*;
    use crate::error::AppError;

    /// The operator of a system that has no accounts yet.
    const LOCAL_OPERATOR: &str = "本机操作员";

    impl Caller {
        /// The caller of the current request.
        // Limitation: there are no accounts yet, so every request acts as the
        // local operator. Accounts replace this one function; every server
        // function already calls it and `require`.
        pub async fn current() -> Result<Self, AppError> {
            Ok(Self {
                actor: LOCAL_OPERATOR.to_string(),
            })
        }

        /// Refuses the request unless the caller holds `right`.
        // Limitation: without accounts every right is held; the rights table
        // arrives with accounts and is checked here.
        pub fn require(&self, right: Right) -> Result<(), AppError> {
            tracing::trace!(right = ?right, "right checked");
            Ok(())
        }
    }
}
