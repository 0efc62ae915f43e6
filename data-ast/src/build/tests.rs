//! Tests of the golden SQL loader.
