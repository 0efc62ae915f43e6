//! The copy commands: `holodeck` (branch databases), `buffer` (save points and their stack)
//! and `q` (realities and what-if runs). Each parses its arguments, calls data-core and prints.

use clap::{Args, Subcommand, ValueEnum};
use data_core::{
    redact_url, report, BufferKind, BufferOptions, HolodeckRequest, Method, Project, Target,
};
use std::path::PathBuf;
use std::process::ExitCode;

/// `data holodeck`.
#[derive(Subcommand)]
pub enum HolodeckCommand {
    /// Create a holodeck: the golden schema at REF (default HEAD) in a new database, or a copy
    /// of an environment's database.
    Create {
        /// Its name (default: the current git branch).
        name: Option<String>,
        /// The revision whose golden SQL to build.
        #[arg(long, value_name = "REF", conflicts_with = "env")]
        from: Option<String>,
        /// Copy this environment's database (its schema; its data too with --with-data).
        #[arg(long, value_name = "ENV")]
        env: Option<String>,
        /// Copy the environment's data as well, or load golden SQL's seed data (sql/data).
        #[arg(long)]
        with_data: bool,
        /// End other sessions on the environment's database that block its copy.
        #[arg(long, requires = "env")]
        terminate: bool,
    },
    /// List holodecks: name, branch, age, size, state and URL (without password).
    List,
    /// Drop a holodeck's database and forget it.
    Drop {
        /// The holodeck.
        name: String,
    },
    /// Print a holodeck's connection URL (any password shown as ***).
    Url {
        /// The holodeck.
        name: String,
    },
    /// Print what a teammate needs to connect to a holodeck.
    Join {
        /// The holodeck.
        name: String,
    },
    /// Drop the holodecks whose branch was merged into the main branch or deleted.
    Gc {
        /// Only list what would be dropped.
        #[arg(long)]
        dry_run: bool,
    },
    /// Stop data's local holodeck server (its databases stay until the next reboot).
    Stop,
}

/// Which database a buffer or q command acts on.
#[derive(Args)]
pub struct TargetArgs {
    /// An environment of data.toml (default: its only local environment).
    #[arg(long, value_name = "ENV", global = true)]
    env: Option<String>,
    /// A holodeck instead of an environment.
    #[arg(long, value_name = "NAME", global = true, conflicts_with = "env")]
    holodeck: Option<String>,
    /// End other sessions that block the copy or the swap instead of failing.
    #[arg(long, global = true)]
    terminate: bool,
}

/// How a save point is kept, on the command line.
#[derive(Copy, Clone, ValueEnum)]
pub enum MethodArg {
    /// A database copied with CREATE DATABASE ... TEMPLATE on the same server.
    Template,
    /// A pg_dump -Fc file restored with pg_restore.
    Dump,
}

/// `data buffer`.
#[derive(Args)]
pub struct BufferArgs {
    #[command(subcommand)]
    command: BufferCommand,
    #[command(flatten)]
    target: TargetArgs,
}

/// The buffer subcommands.
#[derive(Subcommand)]
pub enum BufferCommand {
    /// Save the database as NAME.
    Save {
        /// The save point's name.
        name: String,
        /// How to keep it (default: template on a server on this machine, dump otherwise).
        #[arg(long, value_enum)]
        method: Option<MethodArg>,
    },
    /// Make the database what it was at save point NAME (built beside it, then swapped in).
    Restore {
        /// The save point.
        name: String,
    },
    /// List save points.
    List,
    /// Delete a save point.
    Drop {
        /// The save point.
        name: String,
    },
    /// Save the database onto the stack.
    Push {
        /// How to keep it (default: template on a server on this machine, dump otherwise).
        #[arg(long, value_enum)]
        method: Option<MethodArg>,
    },
    /// Restore the newest save point of the stack and remove it.
    Pop,
}

/// `data q`.
#[derive(Args)]
pub struct QArgs {
    #[command(subcommand)]
    command: QCommand,
    #[command(flatten)]
    target: TargetArgs,
}

/// The Q continuum subcommands.
#[derive(Subcommand)]
pub enum QCommand {
    /// Save the database as a named reality, with the git commit checked out.
    Snap {
        /// The reality's name.
        #[arg(long, value_name = "NAME")]
        reality: String,
    },
    /// List realities.
    Realities,
    /// Return the database to a reality.
    Restore {
        /// The reality.
        name: String,
    },
    /// Drop a reality.
    Drop {
        /// The reality.
        name: String,
    },
    /// Apply a plan to a clone of the database, report what happened and drop the clone.
    ///
    /// Exit 0 when the plan applied, 1 when it failed.
    WhatIf {
        /// A SQL file (default: the environment's pending plan).
        plan: Option<PathBuf>,
    },
}

fn method(arg: Option<MethodArg>) -> Option<Method> {
    arg.map(|m| match m {
        MethodArg::Template => Method::Template,
        MethodArg::Dump => Method::Dump,
    })
}

fn target(project: &Project, args: &TargetArgs) -> anyhow::Result<Target> {
    Ok(project.buffer_target(args.env.as_deref(), args.holodeck.as_deref())?)
}

/// Runs `data holodeck …`.
pub fn holodeck(project: &Project, command: HolodeckCommand) -> anyhow::Result<ExitCode> {
    match command {
        HolodeckCommand::Create {
            name,
            from,
            env,
            with_data,
            terminate,
        } => {
            let h = project.holodeck_create(&HolodeckRequest {
                name,
                from,
                env,
                with_data,
                terminate,
            })?;
            let url = project.holodeck_url(&h.name)?;
            outln!("created holodeck {} from {}", h.name, h.source);
            outln!("url: {}", redact_url(&url));
        }
        HolodeckCommand::List => {
            out!(
                "{}",
                report::holodecks_human(&project.holodecks()?, chrono::Utc::now())
            );
        }
        HolodeckCommand::Drop { name } => {
            if project.holodeck_drop(&name)? {
                outln!("dropped holodeck {name}");
            } else {
                outln!("forgot holodeck {name}: its server could not be reached, so its database (if any) was not dropped");
            }
        }
        HolodeckCommand::Url { name } => outln!("{}", redact_url(&project.holodeck_url(&name)?)),
        HolodeckCommand::Join { name } => {
            let h = project.holodeck(&name)?;
            let url = redact_url(&project.holodeck_url(&name)?);
            outln!("holodeck {name} (database {})", h.database);
            outln!("  url:  {url}");
            outln!("  psql: psql \"{url}\"");
            if h.server == "local" {
                outln!(
                    "  it lives on data's local server, reachable only on this machine \
                     through its Unix socket; for a shared one set [holodeck] url_env in data.toml"
                );
            } else {
                outln!(
                    "  the password (shown as ***) is in {} on this machine; share it through your \
                     team's secret store, not in chat",
                    h.server.trim_start_matches('$')
                );
            }
        }
        HolodeckCommand::Gc { dry_run } => {
            let gone = project.holodeck_gc(dry_run)?;
            if gone.is_empty() {
                outln!("nothing to collect");
            }
            let verb = if dry_run { "would drop" } else { "dropped" };
            for (h, reason) in gone {
                outln!("{verb} holodeck {}: {reason}", h.name);
            }
        }
        HolodeckCommand::Stop => {
            if project.holodeck_stop_server()? {
                outln!("stopped the local holodeck server");
            } else {
                outln!("the local holodeck server was not running");
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `data buffer …`.
pub fn buffer(project: &Project, args: BufferArgs) -> anyhow::Result<ExitCode> {
    if matches!(args.command, BufferCommand::List)
        && args.target.env.is_none()
        && args.target.holodeck.is_none()
    {
        // Without a target, list the save points of every database.
        let kinds = [BufferKind::Save, BufferKind::Stack];
        out!(
            "{}",
            report::buffers_human(&project.buffers(None, &kinds)?, chrono::Utc::now())
        );
        return Ok(ExitCode::SUCCESS);
    }
    let t = target(project, &args.target)?;
    let options = |m: Option<MethodArg>| BufferOptions {
        terminate: args.target.terminate,
        method: method(m),
    };
    match args.command {
        BufferCommand::Save { name, method } => {
            let b = project.buffer_save(&t, &name, BufferKind::Save, options(method))?;
            outln!("saved {} as {} ({})", b.target, b.name, kept(&b));
        }
        BufferCommand::Restore { name } => {
            let b = project.buffer_restore(&t, &name, BufferKind::Save, options(None))?;
            outln!("restored {} to {}", b.target, b.name);
        }
        BufferCommand::List => {
            let kinds = [BufferKind::Save, BufferKind::Stack];
            out!(
                "{}",
                report::buffers_human(&project.buffers(Some(&t), &kinds)?, chrono::Utc::now())
            );
        }
        BufferCommand::Drop { name } => {
            let b = project.buffer_drop(&t, &name, BufferKind::Save)?;
            outln!("dropped save point {} of {}", b.name, b.target);
        }
        BufferCommand::Push { method } => {
            let b = project.buffer_push(&t, options(method))?;
            outln!("pushed {} as {} ({})", b.target, b.name, kept(&b));
        }
        BufferCommand::Pop => {
            let b = project.buffer_pop(&t, options(None))?;
            outln!("popped {}: {} is back as it was", b.name, b.target);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Runs `data q …`.
pub fn q(project: &Project, args: QArgs) -> anyhow::Result<ExitCode> {
    let t = target(project, &args.target)?;
    let options = BufferOptions {
        terminate: args.target.terminate,
        method: None,
    };
    match args.command {
        QCommand::Snap { reality } => {
            let b = project.buffer_save(&t, &reality, BufferKind::Reality, options)?;
            let commit = b.commit.as_deref().map(|c| &c[..c.len().min(10)]);
            outln!(
                "reality {} of {} saved at commit {} ({})",
                b.name,
                b.target,
                commit.unwrap_or("-"),
                kept(&b)
            );
        }
        QCommand::Realities => {
            out!(
                "{}",
                report::buffers_human(
                    &project.buffers(Some(&t), &[BufferKind::Reality])?,
                    chrono::Utc::now()
                )
            );
        }
        QCommand::Restore { name } => {
            let b = project.buffer_restore(&t, &name, BufferKind::Reality, options)?;
            outln!(
                "{} is back in reality {} (commit {})",
                b.target,
                b.name,
                b.commit.as_deref().unwrap_or("-")
            );
        }
        QCommand::Drop { name } => {
            let b = project.buffer_drop(&t, &name, BufferKind::Reality)?;
            outln!("dropped reality {} of {}", b.name, b.target);
        }
        QCommand::WhatIf { plan } => {
            let outcome = project.what_if(&t, plan.as_deref(), options)?;
            out!("{}", report::what_if_human(&outcome));
            return Ok(if outcome.succeeded {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            });
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `database app__buf_s1, 7.6 MiB` or `dump file, 1.2 MiB`.
fn kept(b: &data_core::Buffer) -> String {
    let how = match b.method {
        Method::Template => format!("database {}", b.copy),
        Method::Dump => format!("dump {}", b.copy),
    };
    match b.size {
        Some(n) => format!("{how}, {}", report::human_size(n)),
        None => how,
    }
}
