//! Normalising `pg_dump --schema-only` output so that two dumps compare equal when their
//! schemas differ only in things a migration cannot or need not reproduce (column order,
//! session settings, comments, blank lines).

/// Normalises a schema dump for comparison.
///
/// - drops blank lines, `--` comment lines, `SET ...` lines, the
///   `SELECT pg_catalog.set_config('search_path', ...)` line and `\restrict`/`\unrestrict` lines;
/// - removes trailing whitespace;
/// - sorts the member lines of `CREATE ... TABLE ... (` and `CREATE TYPE ... AS (` blocks,
///   without their trailing commas, so column order does not matter;
/// - sorts consecutive runs of `COMMENT ON COLUMN` statements and of
///   `ALTER TABLE [ONLY] x ALTER COLUMN ...` statements (each possibly spanning lines).
///
/// The result ends with a newline unless it is empty.
pub fn normalize_dump(text: &str) -> String {
    let kept: Vec<&str> = text
        .lines()
        .map(str::trim_end)
        .filter(|line| !is_noise(line))
        .collect();
    let members_sorted = sort_member_blocks(&kept);
    let statements = sort_statement_runs(&members_sorted);
    let mut out = statements.join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    out
}

/// Whether a (right-trimmed) dump line carries nothing about the schema itself.
fn is_noise(line: &str) -> bool {
    line.is_empty()
        || line.starts_with("--")
        || line.starts_with("SET ")
        || line.starts_with("SELECT pg_catalog.set_config('search_path'")
        || line.starts_with("\\restrict")
        || line.starts_with("\\unrestrict")
}

/// Whether `line` opens a block whose member lines may come in any order.
fn opens_member_block(line: &str) -> bool {
    if !line.starts_with("CREATE ") || !line.ends_with(" (") {
        return false;
    }
    let composite_type = line.starts_with("CREATE TYPE ") && line.ends_with(" AS (");
    composite_type || line.contains(" TABLE ")
}

/// Sorts the members of every table and composite type block, dropping their trailing commas.
fn sort_member_blocks(lines: &[&str]) -> Vec<String> {
    let mut out = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let close = opens_member_block(line)
            .then(|| (i + 1..lines.len()).find(|&j| lines[j].starts_with(')')))
            .flatten();
        let Some(close) = close else {
            out.push(line.to_owned());
            i += 1;
            continue;
        };
        let mut members: Vec<&str> = lines[i + 1..close]
            .iter()
            .map(|member| member.strip_suffix(',').unwrap_or(member))
            .collect();
        members.sort_unstable();
        out.push(line.to_owned());
        out.extend(members.into_iter().map(str::to_owned));
        out.push(lines[close].to_owned());
        i = close + 1;
    }
    out
}

/// Kinds of statements whose relative order within a consecutive run does not matter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RunKind {
    /// `COMMENT ON COLUMN ...;`
    ColumnComment,
    /// `ALTER TABLE [ONLY] name ALTER COLUMN ...;`
    AlterColumn,
}

/// The run kind a statement starting with `line` belongs to, if any.
fn run_kind(line: &str) -> Option<RunKind> {
    if line.starts_with("COMMENT ON COLUMN ") {
        return Some(RunKind::ColumnComment);
    }
    let rest = line.strip_prefix("ALTER TABLE ")?;
    let rest = rest.strip_prefix("ONLY ").unwrap_or(rest);
    let after_name = skip_qualified_name(rest)?;
    after_name
        .starts_with(" ALTER COLUMN ")
        .then_some(RunKind::AlterColumn)
}

/// Skips a possibly schema-qualified, possibly double-quoted name; returns the text after it.
fn skip_qualified_name(text: &str) -> Option<&str> {
    let mut rest = text;
    loop {
        rest = skip_identifier(rest)?;
        match rest.strip_prefix('.') {
            Some(next) => rest = next,
            None => return Some(rest),
        }
    }
}

/// Skips one identifier (`name` or `"quoted ""name"""`); returns the text after it.
fn skip_identifier(text: &str) -> Option<&str> {
    if let Some(quoted) = text.strip_prefix('"') {
        let mut chars = quoted.char_indices();
        while let Some((at, c)) = chars.next() {
            if c != '"' {
                continue;
            }
            if quoted[at + 1..].starts_with('"') {
                chars.next();
                continue;
            }
            return Some(&quoted[at + 1..]);
        }
        return None;
    }
    let end = text.find(['.', ' ']).unwrap_or(text.len());
    (end > 0).then(|| &text[end..])
}

/// One statement (possibly several lines) or one unrelated line.
struct Unit<'a> {
    kind: Option<RunKind>,
    lines: &'a [String],
}

/// Splits lines into units: a sortable statement runs until a line ending with `;`.
fn units(lines: &[String]) -> Vec<Unit<'_>> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let kind = run_kind(&lines[i]);
        let end = match kind {
            Some(_) => (i..lines.len())
                .find(|&j| lines[j].ends_with(';'))
                .unwrap_or(lines.len() - 1),
            None => i,
        };
        out.push(Unit {
            kind,
            lines: &lines[i..=end],
        });
        i = end + 1;
    }
    out
}

/// Sorts each consecutive run of statements of the same [`RunKind`].
fn sort_statement_runs(lines: &[String]) -> Vec<String> {
    let units = units(lines);
    let mut out = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < units.len() {
        let Some(kind) = units[i].kind else {
            out.extend(units[i].lines.iter().cloned());
            i += 1;
            continue;
        };
        let run_end = (i..units.len())
            .find(|&j| units[j].kind != Some(kind))
            .unwrap_or(units.len());
        let mut run: Vec<&[String]> = units[i..run_end].iter().map(|unit| unit.lines).collect();
        run.sort_unstable();
        for statement in run {
            out.extend(statement.iter().cloned());
        }
        i = run_end;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_settings_comments_and_blank_lines() {
        let dump =
            "--\n-- PostgreSQL database dump\n--\n\n\\restrict abc\nSET statement_timeout = 0;\n\
                    SELECT pg_catalog.set_config('search_path', '', false);\n\n\
                    CREATE SCHEMA app;   \n\n\\unrestrict abc\n";
        assert_eq!(normalize_dump(dump), "CREATE SCHEMA app;\n");
    }

    #[test]
    fn empty_input_gives_empty_output() {
        assert_eq!(normalize_dump(""), "");
        assert_eq!(normalize_dump("--\n\n"), "");
    }

    #[test]
    fn column_order_does_not_matter() {
        let a = "CREATE TABLE public.t (\n    id integer NOT NULL,\n    name text\n);\n";
        let b = "CREATE TABLE public.t (\n    name text,\n    id integer NOT NULL\n);\n";
        assert_eq!(normalize_dump(a), normalize_dump(b));
        assert_eq!(
            normalize_dump(a),
            "CREATE TABLE public.t (\n    id integer NOT NULL\n    name text\n);\n"
        );
    }

    #[test]
    fn column_differences_still_show() {
        let a = "CREATE TABLE public.t (\n    id integer,\n    name text\n);\n";
        let b = "CREATE TABLE public.t (\n    id bigint,\n    name text\n);\n";
        assert_ne!(normalize_dump(a), normalize_dump(b));
    }

    #[test]
    fn table_suffixes_after_the_block_are_kept() {
        let dump = "CREATE UNLOGGED TABLE public.p (\n    b text,\n    a integer\n)\nPARTITION BY RANGE (a);\n";
        assert_eq!(
            normalize_dump(dump),
            "CREATE UNLOGGED TABLE public.p (\n    a integer\n    b text\n)\nPARTITION BY RANGE (a);\n"
        );
    }

    #[test]
    fn composite_type_members_are_sorted() {
        let dump = "CREATE TYPE public.pair AS (\n\tz integer,\n\ta text\n);\n";
        assert_eq!(
            normalize_dump(dump),
            "CREATE TYPE public.pair AS (\n\ta text\n\tz integer\n);\n"
        );
    }

    #[test]
    fn enum_label_order_is_kept() {
        let dump = "CREATE TYPE public.mood AS ENUM (\n    'sad',\n    'happy'\n);\n";
        assert_eq!(normalize_dump(dump), dump);
    }

    #[test]
    fn other_statements_keep_their_order() {
        let dump = "CREATE INDEX b ON public.t USING btree (x);\nCREATE INDEX a ON public.t USING btree (y);\n";
        assert_eq!(normalize_dump(dump), dump);
    }

    #[test]
    fn column_comment_runs_are_sorted() {
        let dump = "COMMENT ON TABLE public.t IS 'x';\n\n--\n\
                    COMMENT ON COLUMN public.t.b IS 'b';\n\n--\nCOMMENT ON COLUMN public.t.a IS 'a';\n\
                    CREATE VIEW public.v AS\n SELECT 1;\n";
        assert_eq!(
            normalize_dump(dump),
            "COMMENT ON TABLE public.t IS 'x';\nCOMMENT ON COLUMN public.t.a IS 'a';\n\
             COMMENT ON COLUMN public.t.b IS 'b';\nCREATE VIEW public.v AS\n SELECT 1;\n"
        );
    }

    #[test]
    fn multi_line_column_comments_move_whole() {
        let dump = "COMMENT ON COLUMN public.t.z IS 'line one\nline two';\nCOMMENT ON COLUMN public.t.a IS 'a';\n";
        assert_eq!(
            normalize_dump(dump),
            "COMMENT ON COLUMN public.t.a IS 'a';\nCOMMENT ON COLUMN public.t.z IS 'line one\nline two';\n"
        );
    }

    #[test]
    fn alter_column_runs_are_sorted_whole_statements() {
        let dump = "ALTER TABLE public.t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (\n\
                    \x20   SEQUENCE NAME public.t_id_seq\n    CACHE 1\n);\n\
                    ALTER TABLE ONLY public.\"T x\" ALTER COLUMN b SET DEFAULT 1;\n\
                    ALTER TABLE ONLY public.t ALTER COLUMN a SET DEFAULT 0;\n\
                    ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);\n";
        assert_eq!(
            normalize_dump(dump),
            "ALTER TABLE ONLY public.\"T x\" ALTER COLUMN b SET DEFAULT 1;\n\
             ALTER TABLE ONLY public.t ALTER COLUMN a SET DEFAULT 0;\n\
             ALTER TABLE public.t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (\n\
             \x20   SEQUENCE NAME public.t_id_seq\n    CACHE 1\n);\n\
             ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id);\n"
        );
    }

    #[test]
    fn runs_of_different_kinds_do_not_mix() {
        let dump = "COMMENT ON COLUMN public.t.b IS 'b';\nALTER TABLE ONLY public.t ALTER COLUMN a SET DEFAULT 0;\n\
                    COMMENT ON COLUMN public.t.a IS 'a';\n";
        assert_eq!(normalize_dump(dump), dump);
    }

    #[test]
    fn alter_table_recognition_handles_quotes_and_only() {
        assert_eq!(
            run_kind("ALTER TABLE ONLY s.\"a \"\" b\" ALTER COLUMN c DROP NOT NULL;"),
            Some(RunKind::AlterColumn)
        );
        assert_eq!(
            run_kind("ALTER TABLE ONLY s.t ADD CONSTRAINT c CHECK ((x <> ' ALTER COLUMN '));"),
            None
        );
        assert_eq!(run_kind("ALTER TABLE \"unterminated ALTER COLUMN x"), None);
    }
}
