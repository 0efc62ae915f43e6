//! Errors and warnings as the user sees them. Golden SQL diagnostics go through miette's
//! graphical handler: the file, line and column, the source line with a label under the
//! column, and a help line. Every other error prints as its anyhow chain (with the help
//! data-core attaches, if any). Colour only when stderr is a terminal and `NO_COLOR` is unset;
//! off a terminal the drawing is plain ASCII (`^` under the column).

use data_core::{Diagnostic, Severity};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use std::fmt;
use std::io::IsTerminal;
use std::process::ExitCode;

/// Prints `e` on stderr and returns the exit code: 2 for usage errors (an unknown rule, an
/// override without a reason, a malformed value), 1 otherwise.
pub fn report(e: &anyhow::Error) -> ExitCode {
    let core = e.downcast_ref::<data_core::Error>();
    if let Some(err @ data_core::Error::InvalidGoldenSql { diagnostics, .. }) = core {
        eprintln!("error: {err}");
        let errors: Vec<&Diagnostic> = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        let help = miette::Diagnostic::help(err).map(|h| h.to_string());
        for (i, d) in errors.iter().enumerate() {
            if i > 0 {
                eprintln!();
            }
            // The help closes the list instead of repeating under every statement.
            let help = if i + 1 == errors.len() {
                help.as_deref()
            } else {
                None
            };
            eprint!("{}", render(d, help));
        }
        return ExitCode::from(1);
    }
    let mut shown = e.to_string();
    eprintln!("error: {shown}");
    let mut source = e.source();
    while let Some(s) = source {
        // Errors that print their cause in their own message need no second line for it.
        let text = s.to_string();
        if !shown.ends_with(&text) {
            eprintln!("  caused by: {text}");
        }
        shown = text;
        source = s.source();
    }
    if let Some(help) = core.and_then(miette::Diagnostic::help) {
        eprintln!("  help: {help}");
    }
    if core.is_some_and(data_core::Error::is_usage) {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    }
}

/// Prints a warning (or note) about golden SQL on stderr.
pub fn warn(d: &Diagnostic) {
    eprint!("{}", render(d, None));
}

/// One diagnostic drawn by miette for stderr, ending with a newline.
pub fn render(d: &Diagnostic, help: Option<&str>) -> String {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    render_for(
        d,
        help,
        Output::of(std::io::stderr().is_terminal(), no_color),
    )
}

/// Where the drawing goes, which decides its theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Output {
    /// A terminal that takes colour: unicode lines and ANSI colours.
    Colour,
    /// A terminal with `NO_COLOR` set (non-empty): unicode lines, no escape codes.
    Monochrome,
    /// A file or pipe: ASCII only (`^` under the column), no escape codes.
    Plain,
}

impl Output {
    fn of(terminal: bool, no_color: bool) -> Output {
        match (terminal, no_color) {
            (false, _) => Output::Plain,
            (true, true) => Output::Monochrome,
            (true, false) => Output::Colour,
        }
    }
}

fn render_for(d: &Diagnostic, help: Option<&str>, output: Output) -> String {
    let theme = match output {
        Output::Colour => GraphicalTheme::unicode(),
        Output::Monochrome => GraphicalTheme::unicode_nocolor(),
        Output::Plain => GraphicalTheme::none(),
    };
    let shown = Shown::new(d, help);
    let mut out = String::new();
    if GraphicalReportHandler::new_themed(theme)
        .render_report(&mut out, &shown)
        .is_err()
    {
        // miette could not draw it: the plain form still names file, line and column.
        out = format!("{d}\n");
    }
    if !out.ends_with('\n') {
        out.push('\n');
    }
    out
}

/// A diagnostic as miette sees it: its message, the one source line it carries (reporting its
/// real line number in its file), a label at the column and an optional help line.
struct Shown<'a> {
    diagnostic: &'a Diagnostic,
    source: Option<OneLine>,
    label: SourceSpan,
    help: Option<&'a str>,
}

impl<'a> Shown<'a> {
    fn new(diagnostic: &'a Diagnostic, help: Option<&'a str>) -> Self {
        let origin = &diagnostic.origin;
        let text = diagnostic.snippet.trim_end_matches(['\r', '\n']);
        let source = (!text.is_empty() && origin.line > 0).then(|| OneLine {
            name: origin.file.to_string(),
            text: text.to_string(),
            line: origin.line as usize - 1,
        });
        Shown {
            diagnostic,
            label: label_at(text, origin.column as usize),
            source,
            help,
        }
    }
}

/// The span of the word starting at 1-based character `column` of `text` (one character when
/// no word starts there; empty past the end).
fn label_at(text: &str, column: usize) -> SourceSpan {
    let start = text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len(), |(i, _)| i);
    let rest = &text[start..];
    let word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let len = match rest.chars().next() {
        None => 0,
        Some(c) if !word(c) => c.len_utf8(),
        Some(_) => rest.find(|c: char| !word(c)).unwrap_or(rest.len()),
    };
    SourceSpan::new(start.into(), len)
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.source.is_some() {
            f.write_str(&self.diagnostic.message)
        } else {
            // No source line to draw: the position goes into the message.
            write!(f, "{}: {}", self.diagnostic.origin, self.diagnostic.message)
        }
    }
}

impl std::error::Error for Shown<'_> {}

impl miette::Diagnostic for Shown<'_> {
    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help.map(|h| Box::new(h) as Box<dyn fmt::Display + 'b>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let text = match self.diagnostic.severity {
            Severity::Error => "here",
            Severity::Warning | Severity::Note => "this statement",
        };
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some(text.to_string()), self.label),
        )))
    }
}

/// One line of a golden SQL file, named after the file and numbered as in it, so the
/// diagnostic need not carry the whole file.
#[derive(Debug)]
struct OneLine {
    name: String,
    text: String,
    /// 0-based line number in the file.
    line: usize,
}

impl SourceCode for OneLine {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        _context_lines_before: usize,
        _context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        if span.offset() + span.len() > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        // The column of the span's start, so the `[file:line:column]` header is the real one.
        let column = self
            .text
            .get(..span.offset())
            .map_or(0, |before| before.chars().count());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            self.text.as_bytes(),
            SourceSpan::new(0.into(), self.text.len()),
            self.line,
            column,
            1,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syntax_error() -> Diagnostic {
        let origin = data_core::Origin {
            file: "sql/tables/u.sql".into(),
            line: 12,
            column: 8,
        };
        Diagnostic::new(
            Severity::Error,
            origin,
            "syntax error at or near \"tabel\"",
            "create tabel u (b int);",
        )
    }

    #[test]
    fn no_escape_codes_without_colour() {
        let d = syntax_error();
        let coloured = render_for(&d, Some("fix it"), Output::Colour);
        assert!(coloured.contains('\u{1b}'), "{coloured}");
        let mono = render_for(&d, Some("fix it"), Output::Monochrome);
        assert!(!mono.contains('\u{1b}'), "{mono}");
        assert!(mono.contains("[sql/tables/u.sql:12:8]"), "{mono}");
        assert!(mono.contains("12 │ create tabel u (b int);"), "{mono}");
        assert!(mono.contains("help: fix it"), "{mono}");
        let plain = render_for(&d, Some("fix it"), Output::Plain);
        assert!(plain.is_ascii(), "{plain}");
        let lines: Vec<&str> = plain.lines().collect();
        let at = lines
            .iter()
            .position(|l| l.trim_start().starts_with("12 | create tabel u (b int);"))
            .expect("the source line under its number");
        let word = lines[at].find("tabel");
        assert_eq!(lines[at + 1].find('^'), word, "{plain}");
        assert_eq!(Output::of(false, false), Output::Plain);
        assert_eq!(Output::of(false, true), Output::Plain);
        assert_eq!(Output::of(true, true), Output::Monochrome);
        assert_eq!(Output::of(true, false), Output::Colour);
    }

    #[test]
    fn a_diagnostic_without_a_source_line_names_its_position() {
        let mut d = syntax_error();
        d.snippet.clear();
        let plain = render_for(&d, None, Output::Plain);
        assert!(
            plain.contains("sql/tables/u.sql:12:8: syntax error"),
            "{plain}"
        );
    }

    #[test]
    fn labels_cover_the_word_at_the_column() {
        let text = "create tabel u (b int);";
        assert_eq!(label_at(text, 8), SourceSpan::new(7.into(), 5));
        assert_eq!(label_at(text, 16), SourceSpan::new(15.into(), 1));
        assert_eq!(label_at(text, 1), SourceSpan::new(0.into(), 6));
        assert_eq!(label_at(text, 99), SourceSpan::new(text.len().into(), 0));
        // Columns count characters, spans bytes.
        assert_eq!(label_at("é x", 3), SourceSpan::new(3.into(), 1));
    }
}
