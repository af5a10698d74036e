//! In-process tests of the screens and the app: `App` driven by actions and keys, drawn on `TestBackend`.

#[path = "../support/common/mod.rs"]
mod common;
#[path = "../support/edit_support/mod.rs"]
mod edit_support;
#[path = "../support/interop_support/mod.rs"]
mod interop_support;

mod design_size;
mod edit_app;
mod edit_invalid;
mod edit_reference;
mod edit_screens;
mod export_dialog;
mod form_screens;
mod forms;
mod fuzz_keys;
mod key_bars;
mod keymap;
mod language_walk;
mod loading;
mod lrmx_forms;
mod now_first;
mod overview_charts;
mod pickers;
mod reliability_app;
mod screens;
mod screens_random;
mod trust;
mod wording;
