//! `security-definer-without-search-path`: SECURITY DEFINER functions open to search_path tricks.

use super::prelude::*;

crate::rule!(SecurityDefinerWithoutSearchPath {
    id: "security-definer-without-search-path",
    level: Warning,
    category: Security,
    summary: "SECURITY DEFINER functions must pin search_path",
    explanation: "A SECURITY DEFINER function runs with its owner's rights but resolves unqualified names through the caller's search_path. A caller who can create objects in a schema on that path can shadow a table or operator and run code as the owner.",
    bad: "CREATE FUNCTION app.purge() RETURNS void LANGUAGE sql SECURITY DEFINER AS $$ DELETE FROM sessions $$;",
    good: "CREATE FUNCTION app.purge() RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, app AS $$ DELETE FROM app.sessions $$;",
    remedy: "Add SET search_path = pg_catalog, <schema> (or an empty path with every name qualified) to the function.",
});

impl Rule for SecurityDefinerWithoutSearchPath {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check_statement(&self, s: &Stmt<'_>, _cx: &Context<'_>, out: &mut Findings) {
        let NodeEnum::CreateFunctionStmt(f) = &s.node else {
            return;
        };
        let mut definer = false;
        let mut pinned = false;
        for o in &f.options {
            let Some(NodeEnum::DefElem(d)) = &o.node else {
                continue;
            };
            if d.defname == "security" {
                definer = matches!(d.arg.as_deref().and_then(|a| a.node.as_ref()), Some(NodeEnum::Boolean(b)) if b.boolval);
            }
            if d.defname == "set" {
                if let Some(NodeEnum::VariableSetStmt(v)) =
                    d.arg.as_deref().and_then(|a| a.node.as_ref())
                {
                    pinned |= v.name.eq_ignore_ascii_case("search_path");
                }
            }
        }
        if definer && !pinned {
            let name = dotted(&f.funcname).join(".");
            out.add(
                &Self::META,
                Some(s),
                name.clone(),
                format!("function {name} is SECURITY DEFINER without SET search_path"),
            );
        }
    }
}
