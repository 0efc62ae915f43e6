//! Writing to standard output without panicking when the reader goes away (`data … | head`):
//! a closed pipe ends the program quietly with success, other write errors with exit 1.

use std::io::Write;

/// Writes `text` to standard output.
pub fn stdout(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: could not write to standard output: {e}");
        std::process::exit(1);
    }
}

/// `print!` that survives a closed pipe.
#[macro_export]
macro_rules! out {
    ($($arg:tt)*) => { $crate::emit::stdout(&format!($($arg)*)) };
}

/// `println!` that survives a closed pipe.
#[macro_export]
macro_rules! outln {
    () => { $crate::emit::stdout("\n") };
    ($($arg:tt)*) => { $crate::emit::stdout(&format!("{}\n", format!($($arg)*))) };
}
