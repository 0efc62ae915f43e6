//! Applying a plan to a database: under a per-environment advisory lock, transactional steps in
//! transactions with the plan's lock and statement timeouts (the ledger row written in the same
//! transaction), non-transactional steps (CONCURRENTLY) one by one afterwards, each
//! checkpointed in the ledger so a re-run of the same plan resumes where the last one stopped.

use crate::error::{Error, Result};
use crate::ledger_table::{self, LedgerRow};
use crate::redact::scrub;
use sqlx::{Connection, PgConnection};
use std::time::{Duration, Instant};

/// One step of a plan: its statements and whether they may run in a transaction block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// What it does, e.g. `create index public.orders_user_id_idx`.
    pub label: String,
    /// The statements, in order.
    pub statements: Vec<String>,
    /// Whether the statements may run inside a transaction block.
    pub transactional: bool,
    /// The plan's group: consecutive transactional steps of one group share a transaction.
    pub group: usize,
}

/// What to apply and how to record it.
#[derive(Debug, Clone)]
pub struct ApplyRequest {
    /// The environment (names the advisory lock and the ledger rows).
    pub environment: String,
    /// The commit deployed before.
    pub from_commit: Option<String>,
    /// The commit being deployed.
    pub to_commit: String,
    /// The plan's hash (a re-run of the same plan resumes).
    pub plan_hash: String,
    /// Who deploys.
    pub operator: String,
    /// The tool version.
    pub tool_version: String,
    /// The steps in order.
    pub steps: Vec<Step>,
    /// `SET LOCAL lock_timeout` for each transaction and step (e.g. `5s`).
    pub lock_timeout: Option<String>,
    /// `SET LOCAL statement_timeout` for each transaction and step (e.g. `60s`).
    pub statement_timeout: Option<String>,
    /// How long to wait for another deployment of the environment to finish.
    pub lock_wait: Duration,
}

/// What an apply did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyReport {
    /// The ledger row.
    pub ledger_id: i64,
    /// Steps that were already done by an earlier attempt of the same plan.
    pub resumed_from: usize,
    /// Steps done now (all of them on success).
    pub steps_done: usize,
}

/// Progress of an apply, reported before each step runs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepEvent<'a> {
    /// The 0-based step about to run.
    pub index: usize,
    /// Steps in the plan.
    pub total: usize,
    /// What it does.
    pub label: &'a str,
}

/// A progress callback.
pub(crate) type Progress<'p> = &'p mut (dyn FnMut(&StepEvent<'_>) + 'p);

/// The advisory lock key of an environment: the first 8 bytes of BLAKE3("data:" + env).
pub fn lock_key(environment: &str) -> i64 {
    let hash = blake3::hash(format!("data:{environment}").as_bytes());
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&hash.as_bytes()[..8]);
    i64::from_be_bytes(bytes)
}

/// BLAKE3 over the statements of all steps.
pub fn checksum(steps: &[Step]) -> String {
    let mut h = blake3::Hasher::new();
    for s in steps {
        for st in &s.statements {
            h.update(st.as_bytes());
            h.update(b";\n");
        }
    }
    format!("blake3:{}", h.finalize().to_hex())
}

/// Consecutive transactional steps of one plan group share a transaction; each
/// non-transactional step runs on its own.
fn groups(steps: &[Step]) -> Vec<(std::ops::Range<usize>, bool)> {
    let mut out: Vec<(std::ops::Range<usize>, bool)> = Vec::new();
    for (i, s) in steps.iter().enumerate() {
        match out.last_mut() {
            Some((range, true))
                if s.transactional && range.end == i && steps[i - 1].group == s.group =>
            {
                range.end = i + 1
            }
            _ => out.push((i..i + 1, s.transactional)),
        }
    }
    out
}

pub(crate) async fn apply(
    url: &str,
    database: &str,
    req: &ApplyRequest,
    progress: Progress<'_>,
) -> Result<ApplyReport> {
    let sql_error = |source: sqlx::Error| Error::Sql {
        database: database.to_owned(),
        source,
    };
    let mut conn = PgConnection::connect(url).await.map_err(sql_error)?;
    acquire_lock(&mut conn, &req.environment, req.lock_wait, database).await?;
    let outcome = apply_locked(&mut conn, url, database, req, progress).await;
    // Session locks end with the session anyway; unlock explicitly to be tidy.
    let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
        .bind(lock_key(&req.environment))
        .execute(&mut conn)
        .await;
    let _ = conn.close().await;
    outcome
}

async fn acquire_lock(
    conn: &mut PgConnection,
    environment: &str,
    wait: Duration,
    database: &str,
) -> Result<()> {
    let start = Instant::now();
    loop {
        let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
            .bind(lock_key(environment))
            .fetch_one(&mut *conn)
            .await
            .map_err(|source| Error::Sql {
                database: database.to_owned(),
                source,
            })?;
        if got {
            return Ok(());
        }
        if start.elapsed() >= wait {
            return Err(Error::Locked {
                environment: environment.to_owned(),
                waited: wait,
            });
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn apply_locked(
    conn: &mut PgConnection,
    url: &str,
    database: &str,
    req: &ApplyRequest,
    progress: Progress<'_>,
) -> Result<ApplyReport> {
    let sql_error = |source: sqlx::Error| Error::Sql {
        database: database.to_owned(),
        source,
    };
    sqlx::raw_sql(ledger_table::CREATE)
        .execute(&mut *conn)
        .await
        .map_err(sql_error)?;
    check_not_stale(conn, database, req).await?;
    let checksum = checksum(&req.steps);
    let resumable: Option<LedgerRow> = sqlx::query_as(&format!(
        "{} WHERE environment = $1 ORDER BY id DESC LIMIT 1",
        ledger_table::SELECT
    ))
    .bind(&req.environment)
    .fetch_optional(&mut *conn)
    .await
    .map_err(sql_error)?
    .filter(|r: &LedgerRow| {
        r.status == "failed"
            && r.plan_hash == req.plan_hash
            && r.checksum == checksum
            && r.steps_done > 0
    });
    let (mut ledger_id, resumed_from) = match &resumable {
        Some(r) => (Some(r.id), r.steps_done as usize),
        None => (None, 0),
    };
    if let Some(id) = ledger_id {
        sqlx::query(
            "UPDATE data_ledger.deployments SET status = 'running', error = NULL WHERE id = $1",
        )
        .bind(id)
        .execute(&mut *conn)
        .await
        .map_err(sql_error)?;
    }
    let mut done = resumed_from;
    let all = groups(&req.steps);
    if req.steps.is_empty() {
        ledger_id = Some(
            insert_row(&mut *conn, req, &checksum, "succeeded")
                .await
                .map_err(sql_error)?,
        );
    }
    for (range, transactional) in all {
        if range.end <= done {
            continue;
        }
        let result = if transactional {
            run_transaction(
                conn,
                req,
                &checksum,
                &mut ledger_id,
                range.clone(),
                progress,
            )
            .await
        } else {
            run_alone(
                conn,
                req,
                &checksum,
                &mut ledger_id,
                range.clone(),
                progress,
            )
            .await
        };
        if let Err((step, source)) = result {
            let message = scrub(&describe(&source), url);
            let step_label = req
                .steps
                .get(step)
                .map(|s| s.label.clone())
                .unwrap_or_default();
            let recorded =
                record_failure(conn, url, req, &checksum, ledger_id, done, &message).await;
            return Err(Error::StepFailed {
                step: step + 1,
                label: step_label,
                message,
                ledger_id: recorded.ok(),
            });
        }
        done = range.end;
    }
    Ok(ApplyReport {
        ledger_id: ledger_id.unwrap_or_default(),
        resumed_from,
        steps_done: done,
    })
}

/// Refuses a plan made against a state the database has since left: when the ledger's latest
/// succeeded deployment of the environment is not the plan's starting commit (for instance a
/// concurrent deployment finished while this one waited for the lock).
async fn check_not_stale(
    conn: &mut PgConnection,
    database: &str,
    req: &ApplyRequest,
) -> Result<()> {
    let latest: Option<String> = sqlx::query_scalar(
        "SELECT to_commit FROM data_ledger.deployments WHERE environment = $1 \
         AND status = 'succeeded' ORDER BY id DESC LIMIT 1",
    )
    .bind(&req.environment)
    .fetch_optional(&mut *conn)
    .await
    .map_err(|source| Error::Sql {
        database: database.to_owned(),
        source,
    })?;
    match latest {
        Some(deployed) if Some(&deployed) != req.from_commit.as_ref() => Err(Error::Stale {
            environment: req.environment.clone(),
            deployed,
            expected: req.from_commit.clone(),
        }),
        _ => Ok(()),
    }
}

fn describe(e: &sqlx::Error) -> String {
    match e {
        sqlx::Error::Database(db) => {
            let mut text = format!("ERROR: {}", db.message());
            if let Some(pg) = db.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
                if let Some(detail) = pg.detail() {
                    text.push_str(&format!("\nDETAIL: {detail}"));
                }
            }
            text
        }
        other => other.to_string(),
    }
}

async fn insert_row(
    conn: &mut PgConnection,
    req: &ApplyRequest,
    checksum: &str,
    status: &str,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO data_ledger.deployments (environment, from_commit, to_commit, plan_hash, \
         checksum, operator, tool_version, status, steps_total, steps_done, finished_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, \
         CASE WHEN $8 = 'running' THEN NULL ELSE clock_timestamp() END) RETURNING id",
    )
    .bind(&req.environment)
    .bind(&req.from_commit)
    .bind(&req.to_commit)
    .bind(&req.plan_hash)
    .bind(checksum)
    .bind(&req.operator)
    .bind(&req.tool_version)
    .bind(status)
    .bind(req.steps.len() as i32)
    .bind(if status == "succeeded" {
        req.steps.len() as i32
    } else {
        0
    })
    .fetch_one(conn)
    .await
}

async fn checkpoint(conn: &mut PgConnection, id: i64, done: usize) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE data_ledger.deployments SET steps_done = $2, \
         status = CASE WHEN $2 >= steps_total THEN 'succeeded' ELSE 'running' END, \
         finished_at = CASE WHEN $2 >= steps_total THEN clock_timestamp() ELSE NULL END \
         WHERE id = $1",
    )
    .bind(id)
    .bind(done as i32)
    .execute(conn)
    .await
    .map(|_| ())
}

async fn set_timeouts(
    conn: &mut PgConnection,
    req: &ApplyRequest,
    local: bool,
) -> sqlx::Result<()> {
    let scope = if local { "LOCAL " } else { "" };
    for (name, value) in [
        ("lock_timeout", &req.lock_timeout),
        ("statement_timeout", &req.statement_timeout),
    ] {
        let value = value.as_deref().unwrap_or("0");
        sqlx::raw_sql(&format!(
            "SET {scope}{name} = '{}'",
            value.replace('\'', "''")
        ))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

type StepError = (usize, sqlx::Error);

fn report(progress: Progress<'_>, req: &ApplyRequest, index: usize) {
    progress(&StepEvent {
        index,
        total: req.steps.len(),
        label: &req.steps[index].label,
    });
}

async fn run_transaction(
    conn: &mut PgConnection,
    req: &ApplyRequest,
    checksum: &str,
    ledger_id: &mut Option<i64>,
    range: std::ops::Range<usize>,
    progress: Progress<'_>,
) -> std::result::Result<(), StepError> {
    let first = range.start;
    let mut tx = conn.begin().await.map_err(|e| (first, e))?;
    set_timeouts(&mut tx, req, true)
        .await
        .map_err(|e| (first, e))?;
    let id = match ledger_id {
        Some(id) => *id,
        None => insert_row(&mut tx, req, checksum, "running")
            .await
            .map_err(|e| (first, e))?,
    };
    for i in range.clone() {
        report(progress, req, i);
        for statement in &req.steps[i].statements {
            sqlx::raw_sql(statement)
                .execute(&mut *tx)
                .await
                .map_err(|e| (i, e))?;
        }
    }
    checkpoint(&mut tx, id, range.end)
        .await
        .map_err(|e| (range.end - 1, e))?;
    tx.commit().await.map_err(|e| (range.end - 1, e))?;
    *ledger_id = Some(id);
    Ok(())
}

async fn run_alone(
    conn: &mut PgConnection,
    req: &ApplyRequest,
    checksum: &str,
    ledger_id: &mut Option<i64>,
    range: std::ops::Range<usize>,
    progress: Progress<'_>,
) -> std::result::Result<(), StepError> {
    let i = range.start;
    report(progress, req, i);
    let id = match ledger_id {
        Some(id) => *id,
        None => insert_row(conn, req, checksum, "running")
            .await
            .map_err(|e| (i, e))?,
    };
    *ledger_id = Some(id);
    set_timeouts(conn, req, false).await.map_err(|e| (i, e))?;
    for statement in &req.steps[i].statements {
        sqlx::raw_sql(statement)
            .execute(&mut *conn)
            .await
            .map_err(|e| (i, e))?;
    }
    sqlx::raw_sql("RESET lock_timeout; RESET statement_timeout")
        .execute(&mut *conn)
        .await
        .map_err(|e| (i, e))?;
    checkpoint(conn, id, range.end).await.map_err(|e| (i, e))
}

/// Marks the attempt failed: updates its row when one was committed, else inserts one. Tries
/// the open connection first and a new one when that is gone.
async fn record_failure(
    conn: &mut PgConnection,
    url: &str,
    req: &ApplyRequest,
    checksum: &str,
    ledger_id: Option<i64>,
    done: usize,
    message: &str,
) -> sqlx::Result<i64> {
    async fn write(
        conn: &mut PgConnection,
        req: &ApplyRequest,
        checksum: &str,
        ledger_id: Option<i64>,
        done: usize,
        message: &str,
    ) -> sqlx::Result<i64> {
        let id = match ledger_id {
            Some(id) => id,
            None => insert_row(&mut *conn, req, checksum, "running").await?,
        };
        sqlx::query(
            "UPDATE data_ledger.deployments SET status = 'failed', error = $2, steps_done = $3, \
             finished_at = clock_timestamp() WHERE id = $1",
        )
        .bind(id)
        .bind(message)
        .bind(done as i32)
        .execute(conn)
        .await?;
        Ok(id)
    }
    if conn.ping().await.is_ok() {
        if let Ok(id) = write(conn, req, checksum, ledger_id, done, message).await {
            return Ok(id);
        }
    }
    let mut fresh = PgConnection::connect(url).await?;
    let id = write(&mut fresh, req, checksum, ledger_id, done, message).await;
    let _ = fresh.close().await;
    id
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(t: bool, group: usize) -> Step {
        Step {
            label: String::new(),
            statements: vec!["SELECT 1".into()],
            transactional: t,
            group,
        }
    }

    #[test]
    fn steps_group_into_transactions_and_lone_steps() {
        let steps = vec![
            step(true, 1),
            step(true, 1),
            step(false, 2),
            step(false, 2),
            step(true, 3),
            step(true, 4),
        ];
        assert_eq!(
            groups(&steps),
            vec![
                (0..2, true),
                (2..3, false),
                (3..4, false),
                (4..5, true),
                (5..6, true)
            ]
        );
        assert!(groups(&[]).is_empty());
    }

    #[test]
    fn lock_keys_differ_per_environment() {
        assert_ne!(lock_key("prod"), lock_key("dev"));
        assert_eq!(lock_key("prod"), lock_key("prod"));
    }
}
