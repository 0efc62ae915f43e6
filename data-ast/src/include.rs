//! psql meta-commands of a golden SQL file, judged: includes (`\i`, `\ir`) to follow, output
//! settings to skip, and commands that change what the file means, refused.
//!
//! Pure: finding and reading the included files is the caller's job (data-core's source
//! reader). Meta-commands are only recognised where psql would run them between statements,
//! so a backslash inside a string or a function body is never taken for one.

use crate::split;
use std::ops::Range;

/// What a psql meta-command does to golden SQL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MetaAction {
    /// `\i FILE` / `\include FILE`, or `\ir FILE` / `\include_relative FILE` (`relative`):
    /// the named file's statements run here.
    Include {
        /// The file name as written (quotes removed).
        path: String,
        /// `\ir`: relative to the including file's folder, not to the folder being loaded.
        relative: bool,
    },
    /// Output or display settings only (`\echo`, `\pset`, `\restrict`, ...): skipped.
    Skip,
    /// Changes what the file means, or is not understood: refused, with the reason.
    Refuse(String),
}

/// One psql meta-command found between statements.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetaUse {
    /// Byte offset of its backslash in the file.
    pub offset: usize,
    /// Byte range of its whole line in the file, newline excluded.
    pub line: Range<usize>,
    /// The command as written, with its backslash (`\ir`).
    pub command: String,
    /// What it does.
    pub action: MetaAction,
}

/// `\set` variables that only change how psql reports, never what the statements mean.
const HARMLESS_VARIABLES: &[&str] = &[
    "ON_ERROR_STOP",
    "ON_ERROR_ROLLBACK",
    "ECHO",
    "ECHO_HIDDEN",
    "QUIET",
    "VERBOSITY",
    "SHOW_CONTEXT",
];

/// Meta-commands that only print or change output formatting.
const HARMLESS_COMMANDS: &[&str] = &[
    "restrict",
    "unrestrict",
    "echo",
    "qecho",
    "warn",
    "pset",
    "timing",
    "a",
    "t",
    "x",
    "H",
    "C",
    "T",
    "f",
];

/// Whether any line of `text` starts (after blanks) with a backslash: a cheap test that lets
/// files without meta-commands skip the split.
pub fn may_have_meta_commands(text: &str) -> bool {
    text.lines().any(|l| l.trim_start().starts_with('\\'))
}

/// The meta-commands of `text` in file order, each judged. Several commands on one line
/// (`\pset a b \echo c`) are listed one by one, all with that line's range.
pub fn meta_commands(text: &str) -> Vec<MetaUse> {
    if !may_have_meta_commands(text) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for m in split::split(text).meta_commands {
        let line_start = text[..m.offset].rfind('\n').map(|i| i + 1).unwrap_or(0);
        let line_end = text[m.offset..]
            .find('\n')
            .map(|i| m.offset + i)
            .unwrap_or(text.len());
        let line = &text[m.offset..line_end];
        for (at, command, args, trailing_sql) in commands_of_line(line) {
            let action = if trailing_sql {
                MetaAction::Refuse(
                    "SQL after `\\\\` on a meta-command line is not read by data: put it on \
                     a line of its own"
                        .to_string(),
                )
            } else {
                judge(&command, &args)
            };
            out.push(MetaUse {
                offset: m.offset + at,
                line: line_start..line_end,
                command: format!("\\{command}"),
                action,
            });
        }
    }
    out
}

/// `text` with every byte outside `keep` blanked (newlines stay), so that the kept part keeps
/// its lines, columns and byte offsets. Used to load the parts of a file around an include.
pub fn mask_outside(text: &str, keep: Range<usize>) -> String {
    let bytes: Vec<u8> = text
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            if keep.contains(&i) || b == b'\n' {
                b
            } else {
                b' '
            }
        })
        .collect();
    // Blanking whole lines keeps UTF-8 valid; a cut inside a character would not, so fall
    // back to a lossy copy rather than fail.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Splits one meta-command line into its commands: (offset in the line, name, argument
/// text, whether SQL follows a `\\` separator). psql ends a command's arguments at the next
/// unquoted backslash.
fn commands_of_line(line: &str) -> Vec<(usize, String, String, bool)> {
    let bytes = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            i += 1;
            continue;
        }
        let at = i;
        i += 1;
        if bytes.get(i) == Some(&b'\\') {
            // The separator: what follows is SQL for the query buffer.
            let rest = line.get(i + 1..).unwrap_or("");
            if !rest.trim().is_empty() {
                if let Some(last) = out.last_mut() {
                    let last: &mut (usize, String, String, bool) = last;
                    last.3 = true;
                } else {
                    out.push((at, "\\".to_string(), String::new(), true));
                }
            }
            break;
        }
        let name_start = i;
        while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
            i += 1;
        }
        if i == name_start {
            // A one-character command such as `\!` or `\?`.
            i += line[i..].chars().next().map(char::len_utf8).unwrap_or(0);
        }
        let name = line[name_start..i].to_string();
        let args_start = i;
        i = arguments_end(bytes, i);
        out.push((at, name, line[args_start..i].to_string(), false));
    }
    out
}

/// The end of a command's arguments: the next backslash outside quotes, or the line's end.
fn arguments_end(bytes: &[u8], mut i: usize) -> usize {
    let mut quote: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) if b == q => quote = None,
            Some(b'\'') if b == b'\\' => i += 1,
            Some(_) => {}
            None if matches!(b, b'\'' | b'"' | b'`') => quote = Some(b),
            None if b == b'\\' => return i,
            None => {}
        }
        i += 1;
    }
    bytes.len()
}

/// What one command does.
fn judge(name: &str, args: &str) -> MetaAction {
    let refuse = |why: &str| MetaAction::Refuse(why.to_string());
    match name {
        "i" | "include" | "ir" | "include_relative" => match first_argument(args) {
            Ok(path) => MetaAction::Include {
                path,
                relative: name == "ir" || name == "include_relative",
            },
            Err(why) => MetaAction::Refuse(why),
        },
        "set" => match args.split_whitespace().next() {
            None => MetaAction::Skip,
            Some(var) if HARMLESS_VARIABLES.contains(&var) => MetaAction::Skip,
            Some(_) => refuse(
                "it sets a psql variable that later statements may use (`:name`), which data \
                 does not substitute",
            ),
        },
        n if HARMLESS_COMMANDS.contains(&n) => MetaAction::Skip,
        "c" | "connect" => refuse(
            "it switches to another database, so what follows would not describe this schema",
        ),
        "if" | "elif" | "else" | "endif" => refuse(
            "psql conditionals choose which statements run; golden SQL must describe one schema",
        ),
        "g" | "gx" | "gexec" | "gset" | "gdesc" | "crosstabview" | "watch" | ";" => {
            refuse("it runs the query buffer or SQL built at run time, which data cannot read")
        }
        "copy" => refuse("it copies data between a table and a file outside golden SQL"),
        "cd" => refuse("it changes the folder that later includes read from"),
        "unset" | "setenv" | "getenv" | "encoding" => {
            refuse("it changes psql's variables or encoding for the statements after it")
        }
        "o" | "out" | "w" | "write" | "!" | "s" | "e" | "edit" | "ef" | "ev" => {
            refuse("it runs a shell command, an editor, or writes files")
        }
        "\\" => refuse("SQL after `\\\\` on a meta-command line is not read by data"),
        _ => refuse("data does not know what it does to the schema; remove it from golden SQL"),
    }
}

/// The first argument of an include: a plain word or a single-quoted name. Variables
/// (`:name`) and shell commands (backquotes) are refused.
fn first_argument(args: &str) -> Result<String, String> {
    let args = args.trim_start();
    if let Some(rest) = args.strip_prefix('\'') {
        let mut name = String::new();
        let mut chars = rest.chars();
        while let Some(c) = chars.next() {
            match c {
                '\'' if chars.clone().next() == Some('\'') => {
                    chars.next();
                    name.push('\'');
                }
                '\'' => return non_empty(name),
                '\\' => {
                    if let Some(next) = chars.next() {
                        name.push(next);
                    }
                }
                c => name.push(c),
            }
        }
        return Err("the file name's quote is not closed".to_string());
    }
    let word = args.split_whitespace().next().unwrap_or("");
    if word.starts_with(':') || word.contains('`') {
        return Err(
            "the file name comes from a psql variable or a shell command, which data does not \
             run"
            .to_string(),
        );
    }
    non_empty(word.trim_matches('"').to_string())
}

fn non_empty(name: String) -> Result<String, String> {
    if name.is_empty() {
        Err("no file is named".to_string())
    } else {
        Ok(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actions(text: &str) -> Vec<(String, MetaAction)> {
        meta_commands(text)
            .into_iter()
            .map(|m| (m.command, m.action))
            .collect()
    }

    fn include(path: &str, relative: bool) -> MetaAction {
        MetaAction::Include {
            path: path.to_string(),
            relative,
        }
    }

    #[test]
    fn finds_includes_with_plain_and_quoted_names() {
        let text = "create table a (x int);\n\\i tables/b.sql\n  \\ir 'my file''s.sql'\n\\include_relative c.sql\n";
        assert_eq!(
            actions(text),
            vec![
                ("\\i".to_string(), include("tables/b.sql", false)),
                ("\\ir".to_string(), include("my file's.sql", true)),
                ("\\include_relative".to_string(), include("c.sql", true)),
            ]
        );
        let uses = meta_commands(text);
        assert_eq!(&text[uses[0].line.clone()], "\\i tables/b.sql");
        assert_eq!(uses[1].offset, text.find("\\ir").unwrap());
    }

    #[test]
    fn skips_output_settings_and_refuses_what_changes_meaning() {
        let text = "\\restrict abc\n\\set ON_ERROR_STOP on\n\\echo hi\n\\connect other\n\\set x 1\n\\if :x\n\\endif\n\\gexec\n\\copy t from 'f'\n\\cd /tmp\n\\frobnicate\n";
        let got: Vec<bool> = actions(text)
            .into_iter()
            .map(|(_, a)| matches!(a, MetaAction::Refuse(_)))
            .collect();
        assert_eq!(
            got,
            vec![false, false, false, true, true, true, true, true, true, true, true]
        );
    }

    #[test]
    fn several_commands_on_a_line_and_sql_after_the_separator() {
        let got = actions("\\pset format aligned \\echo 'a \\ b'\n\\echo x \\\\ select 1;\n");
        assert_eq!(got.len(), 3);
        assert_eq!(got[0], ("\\pset".to_string(), MetaAction::Skip));
        assert_eq!(got[1], ("\\echo".to_string(), MetaAction::Skip));
        assert!(matches!(got[2].1, MetaAction::Refuse(_)));
    }

    #[test]
    fn variables_and_shell_commands_in_include_names_are_refused() {
        for text in ["\\i :file\n", "\\i `echo x.sql`\n", "\\i\n", "\\i 'open\n"] {
            assert!(
                matches!(actions(text)[0].1, MetaAction::Refuse(_)),
                "{text:?}"
            );
        }
    }

    #[test]
    fn backslashes_inside_statements_are_not_commands() {
        let text = "create function f() returns text as $$\n\\i not_a_command\n$$ language sql;\n";
        assert!(actions(text).is_empty());
    }

    #[test]
    fn masking_keeps_lines_columns_and_offsets() {
        let text = "é1;\n\\i x\nselect 2;\n";
        let keep = text.find("select").unwrap()..text.len();
        let masked = mask_outside(text, keep.clone());
        assert_eq!(masked.len(), text.len());
        assert_eq!(&masked[keep.clone()], &text[keep]);
        assert_eq!(masked.lines().count(), text.lines().count());
        assert!(masked[..text.find("select").unwrap()].trim().is_empty());
    }
}
