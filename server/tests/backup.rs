//! Backups on the embedded on-disk engine: a round trip keeps every file,
//! its history and the audit chain; a backup taken before a destruction
//! does not bring the destroyed file back readable.

use app::domain::audit::AuditAction;
use app::domain::lifecycle::ProposalKind;
use app::domain::{ArchiveCode, ArchiveCodeScheme, CheckedFile, CustomerForm, RegionScope};
use app::secure::vault::{Vault, random_key};
use app::store::{AuditEntry, AuditSigner, DbSettings, ReviewOutcome, Store};

fn settings(folder: &std::path::Path) -> DbSettings {
    DbSettings {
        url: format!("surrealkv://{}", folder.join("archive.db").display()),
        credentials: None,
        keyring: Some(folder.join("keyring")),
    }
}

fn event(action: AuditAction) -> AuditEntry {
    AuditEntry::command_line(action, "")
}

fn farmer(name: &str, id_number: &str, phone: &str) -> CheckedFile {
    CustomerForm {
        group: "farmer".into(),
        name: name.into(),
        phone: phone.into(),
        id_kind: "resident_id".into(),
        id_number: id_number.into(),
        region: "510104".into(),
        address: "锦江区三圣街道".into(),
        land_area: "6".into(),
        ..CustomerForm::default()
    }
    .validate(time::macros::date!(2026 - 12 - 03))
    .expect("valid form")
}

async fn open(folder: &std::path::Path, master: &[u8; 32]) -> Store {
    Store::open(
        &settings(folder),
        ArchiveCodeScheme::default(),
        Vault::from_master_key(master),
    )
    .await
    .expect("opens")
}

/// Ends the file's relationship long ago, so its retention is over.
async fn end_relationship(store: &Store, code: &ArchiveCode) {
    store
        .raw_query(&format!(
            "UPDATE customer SET status = 'inactive', relationship_ended = '2010-01-01' \
             WHERE code = '{code}'"
        ))
        .await
        .expect("ended");
}

/// Destroys the file the way the disposal review does: proposed by one
/// person, approved by another, its key then forgotten by the backups.
async fn destroy(store: &Store, backups: &app::store::backup::Backups, code: &ArchiveCode) {
    let proposed = store
        .propose_disposal(
            code,
            (ProposalKind::Destroy, "期满", ""),
            "archivist1",
            &event(AuditAction::Disposal),
        )
        .await
        .expect("proposed");
    assert_eq!(proposed, ReviewOutcome::Done);
    let proposal = store.lifecycle_state(code).await.expect("state").proposals[0].clone();
    let key_id = store.key_id_of(code.as_str()).await.expect("key id");
    let certificate = store
        .destroy_file(
            &proposal,
            ("manager1", "同意"),
            &event(AuditAction::Destroy),
        )
        .await
        .expect("destroyed")
        .expect("allowed");
    backups
        .forget(&key_id, &certificate)
        .expect("backups pruned");
}

/// Every file under `folder`, read whole.
fn contents(folder: &std::path::Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut found = Vec::new();
    let mut pending = vec![folder.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else if let Ok(bytes) = std::fs::read(&path) {
                found.push((path, bytes));
            }
        }
    }
    found
}

fn holds(bytes: &[u8], text: &str) -> bool {
    bytes.windows(text.len()).any(|w| w == text.as_bytes())
}

#[tokio::test]
async fn a_backup_restores_every_file_its_history_and_an_intact_audit_chain() {
    let place = tempfile::tempdir().expect("temp folder");
    let master = random_key();
    let live = place.path().join("live");
    let store = open(&live, &master).await;
    let mut codes = Vec::new();
    for (i, name) in ["王建国", "李秀英", "张志强"].iter().enumerate() {
        let id = app::domain::id_document::complete_resident_id(&format!("11010519800101{i:03}"))
            .expect("17 digits");
        let code = store
            .create_customer(
                &farmer(name, &id, &format!("1381234000{i}")),
                None,
                "测试",
                "2026-12-03",
                &event(AuditAction::CreateFile),
            )
            .await
            .expect("filed");
        codes.push(code);
    }
    let backups = store.backups(place.path().join("backups"), 5);
    let info = backups.create(&store).await.expect("backup taken");
    assert_eq!(info.files, 3);
    assert!(info.intact);
    let listed = backups.list().expect("listed");
    assert_eq!(listed.len(), 1);
    // Nothing in the backup folder is readable without the master key.
    for (path, bytes) in contents(backups.folder()) {
        assert!(
            !holds(&bytes, "王建国"),
            "a name in clear in {}",
            path.display()
        );
    }
    let signer = AuditSigner::new(&[9; 32], None);
    let check = backups
        .check(&info.name, ArchiveCodeScheme::default(), &signer)
        .await
        .expect("checked");
    assert!(check.matches, "{}", check.summary);
    let history_before = store.history(&codes[1], 0).await.expect("history");
    drop(store);

    let restored_place = place.path().join("restored");
    let restored = backups
        .restore_into(
            &info.name,
            &settings(&restored_place),
            ArchiveCodeScheme::default(),
        )
        .await
        .expect("restored");
    for code in &codes {
        let file = restored
            .customer(code)
            .await
            .expect("read")
            .expect("present");
        assert_eq!(
            file.details.phone.len(),
            11,
            "masked phone readable: {}",
            file.details.phone
        );
    }
    assert_eq!(
        restored
            .customer(&codes[0])
            .await
            .expect("read")
            .expect("present")
            .details
            .name,
        "王建国"
    );
    assert_eq!(
        restored.history(&codes[1], 0).await.expect("history"),
        history_before
    );
    let report = signer.verify(&restored).await.expect("verified");
    assert!(report.is_intact(), "{}", report.summary());
    // The restore itself is the newest event.
    let (head, _) = restored.audit_head().await.expect("head");
    assert!(head > info.audit_seq);

    // A damaged backup is refused, not restored.
    let db_file = backups.folder().join(format!("{}.db", info.name));
    let mut bytes = std::fs::read(&db_file).expect("readable");
    let last = bytes.len() - 1;
    bytes[last] ^= 0xff;
    std::fs::write(&db_file, bytes).expect("written");
    assert!(!backups.list().expect("listed")[0].intact);
    let refused = backups
        .restore_into(
            &info.name,
            &settings(&place.path().join("third")),
            ArchiveCodeScheme::default(),
        )
        .await;
    assert!(refused.is_err());
}

#[tokio::test]
async fn a_destroyed_file_stays_unreadable_even_from_an_older_backup() {
    let place = tempfile::tempdir().expect("temp folder");
    let master = random_key();
    let live = place.path().join("live");
    let store = open(&live, &master).await;
    let id_number = "11010519491231002X";
    let phone = "13912345678";
    let code = store
        .create_customer(
            &farmer("欧阳明", id_number, phone),
            None,
            "测试",
            "2026-12-03",
            &event(AuditAction::CreateFile),
        )
        .await
        .expect("filed");
    let keep = store
        .create_customer(
            &farmer(
                "欧阳亮",
                &app::domain::id_document::complete_resident_id("11010519500101001")
                    .expect("17 digits"),
                "13900000002",
            ),
            None,
            "测试",
            "2026-12-03",
            &event(AuditAction::CreateFile),
        )
        .await
        .expect("filed");
    end_relationship(&store, &code).await;
    let backups = store.backups(place.path().join("backups"), 5);
    let before = backups.create(&store).await.expect("backup taken");
    let key_id = store.key_id_of(code.as_str()).await.expect("key id");
    let wrapped = std::fs::read_to_string(live.join("keyring"))
        .expect("keyring")
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{key_id} ")).map(str::to_string))
        .expect("the file's key");

    destroy(&store, &backups, &code).await;
    assert!(store.customer(&code).await.expect("read").is_none());
    drop(store);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;

    // Neither the values nor the key are anywhere in the data folder or
    // the backups any more.
    for (path, bytes) in contents(place.path()) {
        for secret in [id_number, phone, wrapped.as_str()] {
            assert!(
                !holds(&bytes, secret),
                "{secret} left in {}",
                path.display()
            );
        }
    }
    let (_, keys) = backups.open(&before.name).expect("opens");
    assert!(!keys.contains_key(&key_id));

    // The backup taken before the destruction comes back without it.
    let restored = backups
        .restore_into(
            &before.name,
            &settings(&place.path().join("restored")),
            ArchiveCodeScheme::default(),
        )
        .await
        .expect("restored");
    assert!(restored.customer(&code).await.expect("read").is_none());
    assert!(restored.customer(&keep).await.expect("read").is_some());
    let found = restored
        .search(
            &app::domain::search::SearchQuery {
                text: "欧阳明".into(),
                ..Default::default()
            }
            .criteria()
            .expect("a valid search"),
            &RegionScope::everywhere(),
            app::domain::time_fmt::today_cst(),
        )
        .await
        .expect("searched");
    assert_eq!(found.total, 0, "the name was destroyed again");
    let register = restored
        .certificates(&RegionScope::everywhere())
        .await
        .expect("register");
    assert_eq!(register[0].code, code.as_str());
    let report = AuditSigner::new(&[9; 32], None)
        .verify(&restored)
        .await
        .expect("verified");
    assert!(report.is_intact(), "{}", report.summary());
}

#[tokio::test]
async fn a_backup_older_than_a_destroyed_file_never_hands_out_its_code_again() {
    let place = tempfile::tempdir().expect("temp folder");
    let master = random_key();
    let store = open(&place.path().join("live"), &master).await;
    let backups = store.backups(place.path().join("backups"), 5);
    let empty = backups.create(&store).await.expect("backup taken");

    let code = store
        .create_customer(
            &farmer("上官云", "11010519491231002X", "13912345670"),
            None,
            "测试",
            "2026-12-03",
            &event(AuditAction::CreateFile),
        )
        .await
        .expect("filed");
    end_relationship(&store, &code).await;
    destroy(&store, &backups, &code).await;
    drop(store);
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;

    // The backup knew nothing of the file; the register outside the
    // database does, and the next file of that region gets the next serial.
    let restored = backups
        .restore_into(
            &empty.name,
            &settings(&place.path().join("restored")),
            ArchiveCodeScheme::default(),
        )
        .await
        .expect("restored");
    let register = restored
        .certificates(&RegionScope::everywhere())
        .await
        .expect("register");
    assert_eq!(register.len(), 1);
    assert_eq!(register[0].code, code.as_str());
    let next = restored
        .create_customer(
            &farmer(
                "上官雨",
                &app::domain::id_document::complete_resident_id("11010519500101001")
                    .expect("17 digits"),
                "13912345671",
            ),
            None,
            "测试",
            "2026-12-04",
            &event(AuditAction::CreateFile),
        )
        .await
        .expect("filed after the restore");
    assert_eq!(next.serial(), code.serial() + 1, "{next} after {code}");
}
