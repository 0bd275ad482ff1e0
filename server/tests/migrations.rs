//! The schema on the embedded on-disk engine, across restarts.

use app::domain::ArchiveCodeScheme;
use app::store::{DbSettings, Store};

fn on_disk(folder: &tempfile::TempDir) -> DbSettings {
    let path = folder.path().join("archive.db");
    DbSettings {
        url: format!("surrealkv://{}", path.display()),
        credentials: None,
    }
}

#[tokio::test]
async fn a_second_start_does_not_rerun_the_migrations_and_keeps_the_files() {
    let folder = tempfile::tempdir().expect("temp folder");

    let first = Store::open(&on_disk(&folder), ArchiveCodeScheme::default())
        .await
        .expect("opens");
    let applied = first.applied_migrations().await.expect("migrations listed");
    let form = app::domain::IntakeForm {
        group: "farmer".into(),
        name: "张三".into(),
        phone: "13812345678".into(),
        id_kind: "resident_id".into(),
        id_number: "11010519491231002X".into(),
        region: "510104".into(),
        address: String::new(),
        land_area: "3".into(),
    };
    let customer = form
        .validate(time::macros::date!(2026 - 12 - 03))
        .expect("valid form");
    let code = first
        .create_customer(&customer, "测试")
        .await
        .expect("filed");
    drop(first);

    let second = reopen(&folder).await;

    assert_eq!(applied, [1, 2]);
    assert_eq!(
        second
            .applied_migrations()
            .await
            .expect("migrations listed"),
        [1, 2]
    );
    let kept = second
        .customer(&code)
        .await
        .expect("read")
        .expect("file survived the restart");
    assert_eq!(kept.name, "张三");
    let next = second
        .create_customer(&customer, "测试")
        .await
        .expect("filed");
    assert_eq!(next.as_str(), "NH-510104-00002");
}

/// The engine releases its folder lock shortly after the handle is dropped.
async fn reopen(folder: &tempfile::TempDir) -> Store {
    let mut last_error = None;
    for _ in 0..50 {
        match Store::open(&on_disk(folder), ArchiveCodeScheme::default()).await {
            Ok(store) => return store,
            Err(error) => last_error = Some(error),
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("reopening failed: {:?}", last_error.map(|e| e.log_safe()));
}
