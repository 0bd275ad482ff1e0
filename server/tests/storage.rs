//! The archive on the embedded on-disk engine: across restarts, and at rest.

use app::domain::audit::AuditAction;
use app::domain::intake::MemberForm;
use app::domain::{ArchiveCodeScheme, CheckedFile, CustomerForm};
use app::secure::vault::{MASTER_KEY_LEN, Vault, random_key};
use app::store::{AuditEntry, DbSettings, Store, StoreError};

fn on_disk(folder: &tempfile::TempDir) -> DbSettings {
    let path = folder.path().join("archive.db");
    DbSettings {
        url: format!("surrealkv://{}", path.display()),
        credentials: None,
        keyring: Some(folder.path().join("keyring")),
    }
}

fn opened() -> AuditEntry {
    AuditEntry::command_line(AuditAction::CreateFile, "")
}

fn farmer() -> CheckedFile {
    let form = CustomerForm {
        group: "farmer".into(),
        name: "张三".into(),
        phone: "13812345678".into(),
        extra_phones: vec!["13900001111".into()],
        id_kind: "resident_id".into(),
        id_number: "11010519491231002X".into(),
        region: "510104".into(),
        land_area: "3".into(),
        household: vec![MemberForm {
            name: "李梅".into(),
            relation: "spouse".into(),
            id_number: "110105198001010016".into(),
            labour: true,
        }],
        ..CustomerForm::default()
    };
    form.validate(time::macros::date!(2026 - 12 - 03))
        .expect("valid form")
}

#[tokio::test]
async fn a_second_start_does_not_rerun_the_migrations_and_keeps_the_files() {
    let folder = tempfile::tempdir().expect("temp folder");
    let master = random_key();

    let first = open(&folder, &master).await.expect("opens");
    let applied = first.applied_migrations().await.expect("migrations listed");
    let code = first
        .create_customer(&farmer(), None, "测试", "2026-12-03", &opened())
        .await
        .expect("filed");
    drop(first);

    let second = reopen(&folder, &master).await.expect("reopens");

    let every: Vec<u32> = (1..=13).collect();
    assert_eq!(applied, every);
    assert_eq!(second.applied_migrations().await.expect("listed"), every);
    let kept = second
        .customer(&code)
        .await
        .expect("read")
        .expect("file survived the restart");
    assert_eq!(kept.details.name, "张三");
    assert_eq!(kept.details.phone, "138****5678");
    assert_eq!(kept.details.household[0].id_number, "110***********0016");
    let mut sibling = farmer();
    sibling.details.id_number = "110105194912310046".into();
    sibling.id_document = app::domain::IdDocument::parse(
        app::domain::IdKind::ResidentId,
        "110105194912310046",
        time::macros::date!(2026 - 12 - 03),
    )
    .expect("valid");
    let next = second
        .create_customer(&sibling, None, "测试", "2026-12-03", &opened())
        .await
        .expect("filed");
    assert_eq!(next.as_str(), "NH-510104-00002");
}

#[tokio::test]
async fn no_file_under_the_data_folder_holds_an_id_number_or_phone_in_clear() {
    let folder = tempfile::tempdir().expect("temp folder");
    let store = open(&folder, &random_key()).await.expect("opens");
    store
        .create_customer(&farmer(), None, "测试", "2026-12-03", &opened())
        .await
        .expect("filed");
    drop(store);
    // Let the engine close its files.
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;

    let secrets = [
        "13812345678",
        "11010519491231002X",
        "110105194912310",
        "13900001111",
        "110105198001010016",
        "李梅",
    ];
    let mut scanned = 0;
    for file in walk(folder.path()) {
        let bytes = std::fs::read(&file).expect("readable");
        scanned += bytes.len();
        for secret in secrets {
            let utf16: Vec<u8> = secret.encode_utf16().flat_map(u16::to_le_bytes).collect();
            for form in [secret.as_bytes().to_vec(), utf16] {
                let found = bytes.windows(form.len()).any(|w| w == form.as_slice());
                assert!(!found, "{secret} in clear in {}", file.display());
            }
        }
    }
    // The scan looked at real data, and the name (not sealed) is there.
    assert!(scanned > 0);
    let all: Vec<u8> = walk(folder.path())
        .flat_map(|f| std::fs::read(f).unwrap_or_default())
        .collect();
    let name = "张三".as_bytes();
    assert!(
        all.windows(name.len()).any(|w| w == name),
        "the scan found no data at all"
    );
}

#[tokio::test]
async fn the_archive_refuses_another_master_key() {
    let folder = tempfile::tempdir().expect("temp folder");
    let store = open(&folder, &random_key()).await.expect("opens");
    drop(store);

    let other = reopen(&folder, &random_key()).await;

    assert!(
        matches!(other, Err(StoreError::WrongMasterKey)),
        "opened with a stranger's key"
    );
}

async fn open(
    folder: &tempfile::TempDir,
    master: &[u8; MASTER_KEY_LEN],
) -> Result<Store, StoreError> {
    Store::open(
        &on_disk(folder),
        ArchiveCodeScheme::default(),
        Vault::from_master_key(master),
    )
    .await
}

/// The engine releases its folder lock shortly after the handle is dropped.
async fn reopen(
    folder: &tempfile::TempDir,
    master: &[u8; MASTER_KEY_LEN],
) -> Result<Store, StoreError> {
    let mut last = None;
    for _ in 0..50 {
        match open(folder, master).await {
            Err(StoreError::Db(error)) => last = Some(StoreError::Db(error)),
            other => return other,
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    Err(last.expect("at least one attempt"))
}

fn walk(folder: &std::path::Path) -> impl Iterator<Item = std::path::PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![folder.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path)
            } else {
                files.push(path)
            }
        }
    }
    files.into_iter()
}
