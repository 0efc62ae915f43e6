//! Builds a [`Schema`] from golden SQL: split, parse (parallel, cached), then walk every
//! statement and apply it to the model.
//!
//! Statements apply in two passes so that file order never matters for correctness: first
//! every `CREATE` (by object kind, then source order), then every `ALTER`, `COMMENT` and `DROP`
//! in source order. Anything the model cannot hold becomes a diagnostic naming file, line and
//! column; it is never silently dropped.

mod alter;
mod comment;
mod context;
mod grant;
mod objects;
mod table;

use crate::error::{Diagnostic, Severity};
use crate::model::{Schema, SeedStatement};
use crate::parse::{decode, ParseCache};
use crate::source::{LineIndex, Origin, SourceFile};
use crate::split::{self, Annotation};
use pg_query::NodeEnum;
use rayon::prelude::*;
use serde::Serialize;

pub use context::Builder;
pub(crate) use objects::function_signature;
pub use table::identity_option_text;

/// A sequence of data type `ty` with every option at its default (for identity columns).
pub fn default_sequence_for(ty: &str) -> crate::model::Sequence {
    table::default_sequence(
        crate::model::QName::new("", ""),
        ty,
        crate::source::Origin::none(),
    )
}

/// What loading golden SQL produced.
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    /// The model.
    pub schema: Schema,
    /// Errors, warnings and notes, in source order.
    pub diagnostics: Vec<Diagnostic>,
    /// Counts for reports.
    pub stats: LoadStats,
}

impl Loaded {
    /// Whether any diagnostic is an error (a plan must not be made from this model).
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    /// The error diagnostics.
    pub fn errors(&self) -> Vec<Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .cloned()
            .collect()
    }
}

/// Counts of what was read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct LoadStats {
    /// Files read.
    pub files: usize,
    /// Statements parsed.
    pub statements: usize,
    /// Seed-data statements kept apart.
    pub seed_statements: usize,
    /// psql meta-commands skipped.
    pub meta_commands: usize,
    /// Session statements skipped (`SET`, `set_config`, transaction control).
    pub session_statements: usize,
}

/// One statement ready to be applied.
pub(crate) struct Stmt<'a> {
    pub node: &'a NodeEnum,
    pub file: &'a SourceFile,
    pub lines: &'a LineIndex,
    /// Byte offset of the statement in its file.
    pub start: usize,
    /// The statement text.
    pub text: &'a str,
    pub leading: &'a [Annotation],
    pub inner: &'a [Annotation],
    /// Position in source order over all files.
    pub seq: usize,
}

impl Stmt<'_> {
    /// The origin of byte `offset` within the statement (clamped to it).
    pub fn origin_at(&self, offset: usize) -> Origin {
        origin_of(
            self.file,
            self.lines,
            self.start + offset.min(self.text.len()),
        )
    }

    /// The origin of the statement's first token.
    pub fn origin(&self) -> Origin {
        self.origin_at(0)
    }

    /// The origin of a parse-tree `location` (-1 means unknown).
    pub fn origin_loc(&self, location: i32) -> Origin {
        if location < 0 {
            self.origin()
        } else {
            self.origin_at(location as usize)
        }
    }

    /// A diagnostic at `origin`, with the source line as snippet.
    pub fn diag(
        &self,
        severity: Severity,
        origin: Origin,
        message: impl Into<String>,
    ) -> Diagnostic {
        let snippet = self
            .lines
            .line_text(&self.file.text, origin.line)
            .to_string();
        Diagnostic::new(severity, origin, message, snippet)
    }

    /// The value of a leading `-- data:renamed from=...` annotation.
    pub fn renamed_from(&self) -> Option<&str> {
        self.leading
            .iter()
            .rev()
            .find(|a| a.key == "renamed")
            .and_then(|a| a.arg("from"))
    }
}

/// How golden SQL is loaded.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Roles whose GRANTs and REVOKEs are part of the model; others are reported and ignored.
    pub managed_roles: Vec<String>,
}

/// Loads golden SQL files into a model, with default options. Files are taken in the order given.
pub fn load(files: &[SourceFile], cache: &ParseCache) -> Loaded {
    load_with(files, cache, &LoadOptions::default())
}

/// Loads golden SQL files into a model.
pub fn load_with(files: &[SourceFile], cache: &ParseCache, options: &LoadOptions) -> Loaded {
    let prepared = Prepared::of(files);
    let encoded = cache.parse_encoded_all(&prepared.texts(files));
    build_from(files, &prepared, &encoded, options)
}

/// Loads two sets of golden SQL files, the two sides of a diff, at once: both are split, every
/// distinct statement of either is parsed in one parallel batch (a statement both sides share
/// is parsed once), and both models are built at the same time.
pub fn load_pair(
    a: &[SourceFile],
    b: &[SourceFile],
    cache: &ParseCache,
    options: &LoadOptions,
) -> (Loaded, Loaded) {
    let (pa, pb) = rayon::join(|| Prepared::of(a), || Prepared::of(b));
    let mut texts = pa.texts(a);
    let split_at = texts.len();
    texts.extend(pb.texts(b));
    let encoded = cache.parse_encoded_all(&texts);
    let (ea, eb) = encoded.split_at(split_at);
    rayon::join(
        || build_from(a, &pa, ea, options),
        || build_from(b, &pb, eb, options),
    )
}

/// Files split into statements, with their line indexes.
struct Prepared {
    splits: Vec<split::Split>,
    lines: Vec<LineIndex>,
}

impl Prepared {
    fn of(files: &[SourceFile]) -> Prepared {
        Prepared {
            splits: files.iter().map(|f| split::split(&f.text)).collect(),
            lines: files.iter().map(|f| LineIndex::new(&f.text)).collect(),
        }
    }

    /// The text of every statement, in file order.
    fn texts<'f>(&self, files: &'f [SourceFile]) -> Vec<&'f str> {
        let mut texts = Vec::new();
        for (file, sp) in files.iter().zip(&self.splits) {
            for s in &sp.statements {
                texts.push(&file.text[s.start..s.end]);
            }
        }
        texts
    }
}

/// Builds the model of split and parsed files.
fn build_from(
    files: &[SourceFile],
    prepared: &Prepared,
    encoded: &[crate::parse::Encoded],
    options: &LoadOptions,
) -> Loaded {
    let (splits, lines) = (&prepared.splits, &prepared.lines);
    // Trees are large (tens of kilobytes per CREATE TABLE): only their classes are kept here;
    // each statement is decoded again right before it is applied, then freed.
    let classes: Vec<Option<Vec<Class>>> = encoded
        .par_iter()
        .with_min_len(64)
        .map(|e| {
            e.as_ref()
                .ok()
                .and_then(|bytes| decode(bytes).ok())
                .map(|nodes| nodes.iter().map(Class::of).collect())
        })
        .collect();

    let mut builder = Builder::default();
    builder.managed_roles = options.managed_roles.clone();
    let mut loaded = Loaded {
        stats: LoadStats {
            files: files.len(),
            ..Default::default()
        },
        ..Default::default()
    };
    // (text index, node index within the text, file, span, class, seq)
    let mut entries: Vec<(usize, usize, usize, usize, Class, usize)> = Vec::new();
    let mut k = 0;
    for (fi, (file, sp)) in files.iter().zip(splits).enumerate() {
        loaded.stats.meta_commands += sp.meta_commands.len();
        let long = crate::long_names::warnings(file, &lines[fi], &sp.statements);
        loaded.diagnostics.extend(long);
        for (si, span) in sp.statements.iter().enumerate() {
            let text_index = k;
            k += 1;
            match (&encoded[text_index], &classes[text_index]) {
                (Err(err), _) => {
                    let text = &file.text[span.start..span.end];
                    let at = span.start + error_offset(text, err.cursor, &err.message);
                    loaded
                        .diagnostics
                        .push(error_at(file, &lines[fi], at, err.message.clone()));
                }
                (Ok(_), None) => {
                    let message = "the parse tree of this statement could not be decoded";
                    loaded
                        .diagnostics
                        .push(error_at(file, &lines[fi], span.start, message));
                }
                (Ok(_), Some(list)) => {
                    for (ni, class) in list.iter().enumerate() {
                        let seq = entries.len();
                        let class = if file.is_seed { Class::Seed } else { *class };
                        entries.push((text_index, ni, fi, si, class, seq));
                    }
                }
            }
        }
    }
    loaded.stats.statements = entries.len();

    // Seed files and DML are data; session statements are skipped; the rest is schema, CREATEs
    // first by kind.
    let mut order: Vec<(u8, usize)> = Vec::new();
    for (i, &(_, _, fi, si, class, _)) in entries.iter().enumerate() {
        let span = &splits[fi].statements[si];
        match class {
            Class::Seed => {
                loaded.schema.seed.push(SeedStatement {
                    sql: files[fi].text[span.start..span.end].to_string(),
                    origin: origin_of(&files[fi], &lines[fi], span.start),
                });
                loaded.stats.seed_statements += 1;
            }
            Class::Session => loaded.stats.session_statements += 1,
            Class::Create(rank) => order.push((rank, i)),
            Class::Change => order.push((u8::MAX, i)),
        }
    }
    order.sort();
    for (_, i) in order {
        let (text_index, ni, fi, si, _, seq) = entries[i];
        let Ok(Ok(nodes)) = encoded[text_index].as_ref().map(|bytes| decode(bytes)) else {
            continue;
        };
        let span = &splits[fi].statements[si];
        let st = Stmt {
            node: &nodes[ni],
            file: &files[fi],
            lines: &lines[fi],
            start: span.start,
            text: &files[fi].text[span.start..span.end],
            leading: &span.leading,
            inner: &span.inner,
            seq,
        };
        builder.apply(&st);
    }
    builder.finish();
    let (schema, diagnostics) = builder.into_parts();
    let seed = std::mem::take(&mut loaded.schema.seed);
    loaded.schema = Schema { seed, ..schema };
    loaded.diagnostics.extend(diagnostics);
    loaded.diagnostics.sort_by(|a, b| a.origin.cmp(&b.origin));
    loaded
}

/// The origin of byte `at` of `file`.
fn origin_of(file: &SourceFile, lines: &LineIndex, at: usize) -> Origin {
    let (line, column) = lines.position(&file.text, at);
    Origin {
        file: file.path.clone(),
        line,
        column,
    }
}

/// An error diagnostic at byte `at` of `file`, with its line as snippet.
fn error_at(
    file: &SourceFile,
    lines: &LineIndex,
    at: usize,
    message: impl Into<String>,
) -> Diagnostic {
    let origin = origin_of(file, lines, at);
    let snippet = lines.line_text(&file.text, origin.line).to_string();
    Diagnostic::new(Severity::Error, origin, message, snippet)
}

/// Byte offset of a syntax error inside `text`, from the parser's 1-based character cursor,
/// or failing that from the token quoted in `at or near "..."`.
fn error_offset(text: &str, cursor: usize, message: &str) -> usize {
    if cursor > 0 {
        return text
            .char_indices()
            .nth(cursor - 1)
            .map(|(i, _)| i)
            .unwrap_or(text.len());
    }
    if let Some(token) = message
        .split("at or near \"")
        .nth(1)
        .and_then(|r| r.rsplit_once('"'))
        .map(|(t, _)| t)
    {
        if let Some(i) = text.find(token) {
            return i;
        }
    }
    if message.contains("end of input") {
        return text.len();
    }
    0
}

/// How a statement is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Seed data, kept apart.
    Seed,
    /// Session state (`SET`, ...), skipped.
    Session,
    /// A CREATE, applied in the first pass in this rank.
    Create(u8),
    /// An ALTER, COMMENT, DROP, ..., applied in the second pass in source order.
    Change,
}

impl Class {
    fn of(node: &NodeEnum) -> Class {
        if is_data_statement(node) {
            Class::Seed
        } else if is_session_statement(node) {
            Class::Session
        } else {
            create_rank(node)
                .map(Class::Create)
                .unwrap_or(Class::Change)
        }
    }
}

/// Order in which kinds of CREATE apply in the first pass; `None` for statements that change
/// existing objects (second pass).
fn create_rank(node: &NodeEnum) -> Option<u8> {
    Some(match node {
        NodeEnum::CreateSchemaStmt(_) => 0,
        NodeEnum::CreateExtensionStmt(_) => 1,
        NodeEnum::DefineStmt(_) => 2,
        NodeEnum::CreateEnumStmt(_)
        | NodeEnum::CreateDomainStmt(_)
        | NodeEnum::CompositeTypeStmt(_)
        | NodeEnum::CreateRangeStmt(_) => 3,
        NodeEnum::CreateSeqStmt(_) => 4,
        NodeEnum::CreateStmt(_) => 5,
        NodeEnum::CreateFunctionStmt(_) => 6,
        NodeEnum::ViewStmt(_) | NodeEnum::CreateTableAsStmt(_) => 7,
        NodeEnum::IndexStmt(_) => 8,
        NodeEnum::CreateTrigStmt(_) => 9,
        NodeEnum::CreatePolicyStmt(_) => 10,
        _ => return None,
    })
}

/// DML and other statements that change data rather than schema.
fn is_data_statement(node: &NodeEnum) -> bool {
    match node {
        NodeEnum::InsertStmt(_)
        | NodeEnum::UpdateStmt(_)
        | NodeEnum::DeleteStmt(_)
        | NodeEnum::MergeStmt(_)
        | NodeEnum::CopyStmt(_)
        | NodeEnum::CallStmt(_)
        | NodeEnum::DoStmt(_)
        | NodeEnum::TruncateStmt(_)
        | NodeEnum::RefreshMatViewStmt(_) => true,
        NodeEnum::SelectStmt(s) => !is_set_config(s),
        _ => false,
    }
}

/// `SET`, `SELECT pg_catalog.set_config(...)` and transaction control: session state only.
fn is_session_statement(node: &NodeEnum) -> bool {
    match node {
        NodeEnum::VariableSetStmt(_) | NodeEnum::TransactionStmt(_) => true,
        NodeEnum::SelectStmt(s) => is_set_config(s),
        _ => false,
    }
}

fn is_set_config(s: &pg_query::protobuf::SelectStmt) -> bool {
    s.from_clause.is_empty()
        && s.target_list.len() == 1
        && matches!(&s.target_list[0].node, Some(NodeEnum::ResTarget(t)) if matches!(t.val.as_deref().and_then(|v| v.node.as_ref()), Some(NodeEnum::FuncCall(f)) if f.funcname.last().and_then(crate::expr::string_of).as_deref() == Some("set_config")))
}

#[cfg(test)]
mod tests;
