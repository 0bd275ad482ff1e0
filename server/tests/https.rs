//! HTTPS with a configured certificate: what tablets on the LAN need.

use std::io::{Read, Write};
use std::sync::Arc;

use app::api::caller::AuthSettings;
use app::store::Store;
use leptos::prelude::LeptosOptions;
use server::http::{AppState, router};
use server::listen;

#[tokio::test]
async fn the_server_answers_over_tls_with_the_configured_certificate() {
    let folder = tempfile::tempdir().expect("temp folder");
    let certified =
        rcgen::generate_simple_self_signed(vec!["localhost".to_string()]).expect("certificate");
    let (cert_file, key_file) = (
        folder.path().join("cert.pem"),
        folder.path().join("key.pem"),
    );
    std::fs::write(&cert_file, certified.cert.pem()).expect("cert written");
    std::fs::write(&key_file, certified.signing_key.serialize_pem()).expect("key written");

    let store = Store::in_memory().await.expect("store");
    let options = LeptosOptions::builder().output_name("nongdang").build();
    let auth = AuthSettings {
        secure_cookie: true,
        ..AuthSettings::default()
    };
    let backups = store.backups(folder.path().join("backups"), 2);
    let app = router(AppState {
        leptos_options: options,
        backups,
        store,
        auth,
        audit: app::store::AuditSigner::new(&[5; 32], None),
        alert_rules: Default::default(),
    });
    let listener = listen::bind("127.0.0.1:0".parse().expect("address")).expect("bound");
    let addr = listener.local_addr().expect("address");
    let tls = listen::tls_config(&cert_file, &key_file)
        .await
        .expect("TLS configured");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(listen::serve_https(app, listener, tls, async {
        let _ = stopped.await;
    }));

    let der = certified.cert.der().clone();
    let answer = tokio::task::spawn_blocking(move || get_over_tls(addr, der, "/login"))
        .await
        .expect("client ran");
    let _ = stop.send(());
    server
        .await
        .expect("server task")
        .expect("server stopped cleanly");

    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "answer: {}",
        &answer[..answer.len().min(200)]
    );
    assert!(
        answer
            .to_ascii_lowercase()
            .contains("strict-transport-security: max-age=31536000")
    );
    assert!(answer.contains("登录"));
}

/// A GET over TLS that trusts only `cert`.
fn get_over_tls(
    addr: std::net::SocketAddr,
    cert: rustls::pki_types::CertificateDer<'static>,
    path: &str,
) -> String {
    let mut roots = rustls::RootCertStore::empty();
    roots.add(cert).expect("root added");
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::aws_lc_rs::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocols")
    .with_root_certificates(roots)
    .with_no_client_auth();
    let name = rustls::pki_types::ServerName::try_from("localhost").expect("name");
    let mut connection = rustls::ClientConnection::new(Arc::new(config), name).expect("client");
    let mut socket = std::net::TcpStream::connect(addr).expect("connected");
    let mut stream = rustls::Stream::new(&mut connection, &mut socket);
    let request = format!("GET {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).expect("request sent");
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}
