//! Embedding the engine: plan the example project's last release and print what it destroys.

use data_core::{Engine, RenderFormat, SchemaSource};
use std::path::Path;

fn main() -> Result<(), data_core::Error> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let engine = Engine::new();
    let from = SchemaSource::Folder(root.join("supabase-app-v1"));
    let to = SchemaSource::Folder(root.join("supabase-app"));
    let diff = engine.diff(&from, &to)?;
    print!("{}", diff.render(RenderFormat::Human, false));
    for op in diff.plans.forward.destructive() {
        println!("destructive: {} {}", op.object.kind.label(), op.object);
    }
    Ok(())
}
