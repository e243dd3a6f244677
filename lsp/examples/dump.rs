//! Prints the model of a Lua file (debugging aid).
fn main() {
    let path = std::env::args().nth(1).unwrap_or_default();
    let text = std::fs::read_to_string(&path).unwrap_or_default();
    let api = crescent_api::builtin();
    let f = crescent_lsp::analysis::analyze(&text, &api);
    println!("{:?}", f.parse.errors);
    for seg in &f.parse.segments {
        println!("-- run at byte {}\n{}", seg.base, seg.ast.nodes());
    }
    for l in &f.model().locals {
        println!("{} {:?} {:?}", l.name, l.visible, l.ty);
    }
    println!("{:?}", f.model().function_bodies);
}
