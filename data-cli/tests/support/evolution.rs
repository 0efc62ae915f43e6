//! Random schema states over a small fixed universe of names, for property tests: any two
//! states are an "evolution" (columns appear, vanish, change type, nullability and default;
//! constraints, indexes, a view, a function and an enum come and go), and every pair must
//! converge like the hand-written oracle cases.

/// Column families: a column keeps its family, so every type change is castable.
const FAMILIES: [&[&str]; 3] = [
    &["integer", "bigint", "numeric(12,2)"],
    &["text", "character varying(20)", "character varying(40)"],
    &["boolean"],
];
const FAMILY_DEFAULTS: [&str; 3] = ["7", "'x'", "true"];
const COLUMNS: usize = 5;
const TABLES: usize = 3;
const LABELS: [&str; 4] = ["a", "b", "c", "d"];

/// A small deterministic generator (xorshift64*), seeded by proptest.
pub struct Rng(u64);

impl Rng {
    /// A generator from a seed (zero is replaced).
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

fn family(column: usize) -> usize {
    match column {
        0 | 1 => 0,
        2 | 3 => 1,
        _ => 2,
    }
}

/// Golden SQL for one random state.
pub fn schema(rng: &mut Rng) -> String {
    let mut out = Vec::new();
    let labels: Vec<&str> = LABELS.iter().copied().filter(|_| rng.chance(70)).collect();
    let with_enum = !labels.is_empty() && rng.chance(60);
    if with_enum {
        out.push(format!(
            "CREATE TYPE mood AS ENUM ({});",
            labels
                .iter()
                .map(|l| format!("'{l}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let mut present: Vec<Vec<usize>> = vec![Vec::new(); TABLES];
    for (t, columns) in present.iter_mut().enumerate() {
        if t > 0 && !rng.chance(75) {
            continue;
        }
        let mut items = vec!["id integer PRIMARY KEY".to_string()];
        for c in 0..COLUMNS {
            if !rng.chance(60) {
                continue;
            }
            columns.push(c);
            let f = family(c);
            let mut def = format!("c{c} {}", FAMILIES[f][rng.below(FAMILIES[f].len())]);
            if rng.chance(30) {
                def.push_str(&format!(" DEFAULT {}", FAMILY_DEFAULTS[f]));
            }
            if rng.chance(30) {
                def.push_str(" NOT NULL");
            }
            items.push(def);
        }
        if t == 0 && with_enum && rng.chance(50) {
            items.push("m mood".to_string());
        }
        // t0 always exists, so later tables may reference it.
        if t > 0 && rng.chance(50) {
            items.push("t0_id integer REFERENCES t0 (id) ON DELETE CASCADE".to_string());
        }
        if rng.chance(40) {
            items.push(format!("CHECK (id > {})", rng.below(3)));
        }
        if let Some(&c) = columns.get(rng.below(columns.len().max(1))) {
            if rng.chance(30) {
                items.push(format!("UNIQUE (c{c})"));
            }
        }
        out.push(format!(
            "CREATE TABLE t{t} (\n    {}\n);",
            items.join(",\n    ")
        ));
        if let Some(&c) = columns.get(rng.below(columns.len().max(1))) {
            if rng.chance(50) {
                out.push(format!("CREATE INDEX ON t{t} (c{c});"));
            }
        }
        if rng.chance(30) {
            out.push(format!(
                "COMMENT ON TABLE t{t} IS 'table {t} v{}';",
                rng.below(2)
            ));
        }
    }
    if rng.chance(60) && !present[0].is_empty() {
        let cols: Vec<String> = present[0]
            .iter()
            .filter(|_| rng.chance(70))
            .map(|c| format!("c{c}"))
            .collect();
        let list = if cols.is_empty() {
            "id".to_string()
        } else {
            format!("id, {}", cols.join(", "))
        };
        out.push(format!("CREATE VIEW v0 AS SELECT {list} FROM t0;"));
    }
    if rng.chance(60) {
        let k = rng.below(3);
        if rng.chance(50) {
            out.push(format!("CREATE FUNCTION f0(p integer) RETURNS integer LANGUAGE sql IMMUTABLE AS $$ SELECT p + {k} $$;"));
        } else {
            out.push(format!("CREATE FUNCTION f0(p integer) RETURNS integer LANGUAGE plpgsql AS $$ BEGIN RETURN p + {k}; END $$;"));
        }
    }
    out.join("\n") + "\n"
}
