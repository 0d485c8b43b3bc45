// `sqlx::migrate!` embeds the migrations at compile time, but cargo does not know it reads
// them: without this, a new or changed migration would not reach the binary until something
// else in this crate changed (sqlx's documented fix).
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
