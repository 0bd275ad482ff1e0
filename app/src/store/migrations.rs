//! Versioned schema migrations, applied in order at start-up.
//!
//! Each migration runs in one transaction together with the record that marks
//! it applied, so a crash leaves it either wholly applied or not at all, and a
//! second start skips it. Two servers starting at once cannot both apply one:
//! the marker's record id is the version, and the second insert fails.

use surrealdb::Surreal;
use surrealdb::engine::any::Any;

use super::StoreError;

struct Migration {
    version: u32,
    name: &'static str,
    sql: &'static str,
}

/// Never edit a migration that has shipped; add a new one.
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "customers",
        sql: include_str!("migrations/0001_customers.surql"),
    },
    Migration {
        version: 2,
        name: "accounts",
        sql: include_str!("migrations/0002_accounts.surql"),
    },
    Migration {
        version: 3,
        name: "disclosures",
        sql: include_str!("migrations/0003_disclosures.surql"),
    },
    Migration {
        version: 4,
        name: "complete_file",
        sql: include_str!("migrations/0004_complete_file.surql"),
    },
    Migration {
        version: 5,
        name: "audit",
        sql: include_str!("migrations/0005_audit.surql"),
    },
    Migration {
        version: 6,
        name: "upkeep",
        sql: include_str!("migrations/0006_upkeep.surql"),
    },
    Migration {
        version: 7,
        name: "lifecycle",
        sql: include_str!("migrations/0007_lifecycle.surql"),
    },
    Migration {
        version: 8,
        name: "requests",
        sql: include_str!("migrations/0008_requests.surql"),
    },
    Migration {
        version: 9,
        name: "consent",
        sql: include_str!("migrations/0009_consent.surql"),
    },
    Migration {
        version: 10,
        name: "search",
        sql: include_str!("migrations/0010_search.surql"),
    },
    Migration {
        version: 11,
        name: "analysis",
        sql: include_str!("migrations/0011_analysis.surql"),
    },
    Migration {
        version: 12,
        name: "opened month",
        sql: include_str!("migrations/0012_opened_month.surql"),
    },
    Migration {
        version: 13,
        name: "code runs",
        sql: include_str!("migrations/0013_code_runs.surql"),
    },
];

const BOOKKEEPING: &str = "
    DEFINE TABLE IF NOT EXISTS schema_migration SCHEMAFULL;
    DEFINE FIELD IF NOT EXISTS version ON schema_migration TYPE int;
    DEFINE FIELD IF NOT EXISTS name ON schema_migration TYPE string;
    DEFINE FIELD IF NOT EXISTS applied_at ON schema_migration TYPE datetime;
";

/// Applies the migrations not yet recorded; returns the versions applied now.
pub(super) async fn migrate(db: &Surreal<Any>) -> Result<Vec<u32>, StoreError> {
    db.query(BOOKKEEPING).await?.check()?;
    let done = applied(db).await?;

    let mut applied_now = Vec::new();
    for migration in MIGRATIONS.iter().filter(|m| !done.contains(&m.version)) {
        apply(db, migration)
            .await
            .map_err(|source| StoreError::Migration {
                version: migration.version,
                name: migration.name,
                source: Box::new(source),
            })?;
        applied_now.push(migration.version);
    }
    Ok(applied_now)
}

pub(super) async fn applied(db: &Surreal<Any>) -> Result<Vec<u32>, StoreError> {
    let versions: Vec<i64> = db
        .query("SELECT VALUE version FROM schema_migration ORDER BY version")
        .await?
        .take(0)?;
    Ok(versions
        .into_iter()
        .filter_map(|v| u32::try_from(v).ok())
        .collect())
}

async fn apply(db: &Surreal<Any>, migration: &Migration) -> Result<(), surrealdb::Error> {
    let script = format!(
        "BEGIN TRANSACTION;\n{sql}\n\
         CREATE type::record('schema_migration', $version) \
         SET version = $version, name = $name, applied_at = time::now();\n\
         COMMIT TRANSACTION;",
        sql = migration.sql,
    );
    db.query(script)
        .bind(("version", i64::from(migration.version)))
        .bind(("name", migration.name))
        .await?
        .check()?;
    Ok(())
}
