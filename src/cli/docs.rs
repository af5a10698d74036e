//! `guazhi completions SHELL` and `guazhi man`: generated from the clap definitions
//! (clap_complete, clap_mangen) and, for the manual's KEYS section, from the key table, so
//! neither can drift from what the program does.

use super::{Cli, ExitError, EXIT_HELP};
use crate::app::keys::{remap_name, KeyMap};
use clap::CommandFactory;
use clap_mangen::roff::{bold, roman, Roff};
use clap_mangen::Man;
use std::io::Write;

pub fn completions(shell: clap_complete::Shell) -> Result<u8, ExitError> {
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "guazhi", &mut out);
    std::io::stdout().lock().write_all(&out)?;
    Ok(0)
}

pub fn man() -> Result<u8, ExitError> {
    std::io::stdout().lock().write_all(&man_page()?)?;
    Ok(0)
}

/// The manual page, roff: the command, each subcommand with its options, the keys, the
/// settings files, the environment and the exit status.
pub fn man_page() -> std::io::Result<Vec<u8>> {
    let mut cmd = Cli::command();
    // Gives each subcommand its full name (`guazhi export`) for its synopsis.
    cmd.build();
    let page = Man::new(cmd.clone()).manual("guazhi manual");
    let mut out = Vec::new();
    page.render_title(&mut out)?;
    page.render_name_section(&mut out)?;
    page.render_synopsis_section(&mut out)?;
    page.render_description_section(&mut out)?;
    page.render_options_section(&mut out)?;
    out.extend_from_slice(b".SH COMMANDS\n");
    for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
        // The global options and --help are on every command: listed once, above.
        let mut sub = sub.clone();
        let common: Vec<String> = sub
            .get_arguments()
            .filter(|a| a.is_global_set() || a.get_id() == "help")
            .map(|a| a.get_id().to_string())
            .collect();
        for id in common {
            sub = sub.mut_arg(id, |a| a.hide(true));
        }
        // clap_mangen renders a command's synopsis and options as sections of their own page:
        // here they become a subsection of this one.
        let one = Man::new(sub.clone());
        let mut synopsis = Vec::new();
        one.render_synopsis_section(&mut synopsis)?;
        let synopsis = String::from_utf8_lossy(&synopsis)
            .replace(".SH SYNOPSIS\n", &format!(".SS \"guazhi {}\"\n", sub.get_name()));
        out.extend_from_slice(synopsis.as_bytes());
        let about = sub.get_long_about().or(sub.get_about()).map(|a| a.to_string()).unwrap_or_default();
        paragraph_to(&mut out, &about)?;
        let mut options = Vec::new();
        one.render_options_section(&mut options)?;
        out.extend_from_slice(String::from_utf8_lossy(&options).replace(".SH OPTIONS\n", "").as_bytes());
    }
    extra_sections().to_writer(&mut out)?;
    page.render_version_section(&mut out)?;
    Ok(out)
}

fn paragraph_to(out: &mut Vec<u8>, text: &str) -> std::io::Result<()> {
    let mut roff = Roff::new();
    paragraph(&mut roff, text);
    roff.to_writer(out)
}

fn paragraph(roff: &mut Roff, text: &str) {
    roff.control("PP", []).text([roman(text)]);
}

fn item(roff: &mut Roff, term: &str, text: &str) {
    roff.control("TP", []).text([bold(term)]).text([roman(text)]);
}

fn extra_sections() -> Roff {
    let mut roff = Roff::new();
    roff.control("SH", ["KEYS"]);
    paragraph(
        &mut roff,
        "The screens' keys, by context. Each action's name (in brackets) is what the [keys] table of a \
         settings file remaps: `down = [\"J\", \"Down\"]` replaces the keys of `down` wherever it is bound. \
         Where typing goes into a field (a search, a form, a form's list) a plain character types itself, \
         so there only the other keys of a remap apply. Ctrl-C always quits. A key may do one thing in \
         each set of contexts active together; a remap that would give it two is refused, naming the line.",
    );
    let mut context = None;
    for (b, keys) in KeyMap::default().bindings() {
        let Some(name) = remap_name(b) else { continue };
        if context != Some(b.context) {
            roff.control("SS", [b.context.en()]);
            context = Some(b.context);
        }
        let keys: Vec<String> = keys.iter().map(|k| k.label(true, false)).collect();
        item(&mut roff, &format!("{} [{name}]", keys.join(", ")), b.en);
    }
    roff.control("SH", ["FILES"]);
    item(
        &mut roff,
        "$XDG_CONFIG_HOME/guazhi/config.toml, else ~/.config/guazhi/config.toml",
        "The user's settings; each setting it has wins over the server's.",
    );
    item(&mut roff, "/etc/guazhi/config.toml", "The server's settings, for every account.");
    paragraph(
        &mut roff,
        "Settings (TOML): database = \"/srv/guazhi/guazhi.db\" (the database the screens open when none \
         is given; a relative path is taken from the settings file's folder, ~/ from the home folder); \
         lang = \"zh\" or \"en\"; ascii = true or false; and a [keys] table of action = \"key\" or \
         action = [\"key\", \"key\"] (see KEYS). Keys are written as the help shows them: a, A, ?, Space, \
         Ctrl-F, Enter, Esc, Tab, Shift-Tab, Backspace, Up, Down, Left, Right, PgUp, PgDn, Home, End, \
         Insert, Delete, F1 to F12. An unknown setting, a bad value, an unknown action or key, or a clash \
         stops guazhi with a message naming the file and the line. The command line wins over both files.",
    );
    item(&mut roff, "~/.local/state/guazhi/", "Unsaved forms kept as drafts when a session ends mid-form.");
    roff.control("SH", ["ENVIRONMENT"]);
    item(
        &mut roff,
        "GUAZHI_DB",
        "The database the screens open when the command line names none; before the settings files.",
    );
    item(&mut roff, "XDG_CONFIG_HOME, HOME", "Where the user's settings file is.");
    item(&mut roff, "LC_ALL, LC_MESSAGES, LANG", "The language, when neither --lang nor a settings file sets it.");
    item(&mut roff, "NO_COLOR, TERM=dumb", "No colours: meaning carried by words, bold and reverse video.");
    item(&mut roff, "XDG_STATE_HOME", "Where drafts are kept (default ~/.local/state).");
    roff.control("SH", ["EXIT STATUS"]);
    for line in EXIT_HELP.lines().skip(1) {
        let line = line.trim();
        match line.split_once("  ") {
            Some((code, text)) if code.chars().all(|c| c.is_ascii_digit()) => item(&mut roff, code, text.trim()),
            _ => {
                roff.text([roman(format!(" {line}"))]);
            }
        }
    }
    roff
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_subcommand_and_option_is_in_the_manual() {
        let page = String::from_utf8(man_page().unwrap()).unwrap();
        let cmd = Cli::command();
        for sub in cmd.get_subcommands() {
            assert!(page.contains(&format!(".SS \"guazhi {}\"", sub.get_name())), "{}", sub.get_name());
            for arg in sub.get_arguments().filter_map(|a| a.get_long()) {
                // roff writes a hyphen as \-.
                assert!(page.contains(&format!("\\-\\-{}", arg.replace('-', "\\-"))), "--{arg}");
            }
        }
    }
}
