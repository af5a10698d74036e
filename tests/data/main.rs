//! Tests of the store, the command line and import/export, on temporary database files.

#[path = "../support/common/mod.rs"]
mod common;
#[path = "../support/edit_support/mod.rs"]
mod edit_support;
#[path = "../support/interop_support/mod.rs"]
mod interop_support;

mod aggregates;
mod backup_partials;
mod check_stream;
mod cli;
mod completions;
mod damaged;
mod edit_concurrency;
mod full_disk;
mod fuzz_import;
mod fuzz_parsers;
mod generate;
mod import_block;
mod import_concurrent;
mod import_parts;
mod interop_backup;
mod interop_bad_rows;
mod interop_bombs;
mod interop_confirm;
mod interop_export;
mod interop_lrmx;
mod interop_roundtrip;
mod layers;
mod lists_oracle;
mod lrmx_export;
mod man_page;
mod neighbourhood;
mod output_safety;
mod read_only_mount;
mod reliability_inputs;
mod reliability_store;
mod settings;
mod setup;
mod store;
mod tamper;
mod trust;
