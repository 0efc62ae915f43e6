//! `data rules` and `data rules explain ID`: the catalogue of safety rules.

use clap::Subcommand;

/// Subcommands of `data rules`.
#[derive(Subcommand)]
pub enum RulesCommand {
    /// Show one rule with its explanation, bad and good examples and remedy.
    Explain {
        /// The rule id (kebab-case).
        id: String,
    },
}

/// Prints the catalogue, or one rule; an unknown id is a usage error (exit 2).
pub fn run(command: Option<RulesCommand>) -> anyhow::Result<std::process::ExitCode> {
    match command {
        None => out!("{}", data_core::rules_catalogue()),
        Some(RulesCommand::Explain { id }) => match data_core::explain_rule(&id) {
            Some(text) => out!("{text}"),
            None => {
                eprintln!("error: unknown rule `{id}` (see `data rules` for the catalogue)");
                return Ok(std::process::ExitCode::from(2));
            }
        },
    }
    Ok(std::process::ExitCode::SUCCESS)
}
