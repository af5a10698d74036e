//! Drawing. `draw` renders the whole screen from `&App` and reports where it put things
//! (`FrameInfo`), which the loop hands back to `App::update`. Never imports rusqlite.
//!
//! Layout: one header line (database, date, attention counts), one line of tabs, the body
//! (a list in a box, or the dossier page), one footer line (the key bar, or the search input).

mod cadres;
mod charts;
mod dossier;
mod export;
pub mod form;
pub mod help;
mod overview;
mod pairs;
mod popup;
mod reserve;
mod reviews;
pub mod table;
pub mod theme;
mod units;
pub mod widgets;

use crate::app::popup::Popup;
use crate::app::view::Tone;
use crate::app::{App, FrameInfo, Mode, Tab};
use crate::lang::Lang;
use chrono::Datelike;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;
use theme::Theme;
use widgets::{cells, fit};

/// Below this the screen says "terminal too small" instead.
pub const MIN_WIDTH: u16 = 60;
pub const MIN_HEIGHT: u16 = 15;

pub fn draw(frame: &mut Frame, app: &App) -> FrameInfo {
    let area = frame.area();
    let theme = Theme::new(&app.opts);
    let mut info = FrameInfo { width: area.width, height: area.height, ..FrameInfo::default() };
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, app, &theme);
        return info;
    }
    let header = Rect { height: 1, ..area };
    let tabs = Rect { y: area.y + 1, height: 1, ..area };
    let body = Rect { y: area.y + 2, height: area.height - 3, ..area };
    let footer = Rect { y: area.bottom() - 1, height: 1, ..area };

    render_header(frame, header, app, &theme);
    info.tabs = render_tabs(frame, tabs, app, &theme);
    match (&app.dossier, app.mode) {
        (Some(d), Mode::Dossier) => {
            let (page, max, scroll) = dossier::render(frame, body, app, d, &theme);
            (info.text_page, info.text_max, info.text_scroll) = (page, max, scroll);
        }
        _ => {
            let hits = match app.tab {
                Tab::Cadres => cadres::render(frame, body, app, &theme),
                Tab::Pairs => pairs::render(frame, body, app, &theme),
                Tab::Reviews => reviews::render(frame, body, app, &theme),
                Tab::Reserve => reserve::render(frame, body, app, &theme),
                Tab::Overview => overview::render(frame, body, app, &theme),
                Tab::Units => units::render(frame, body, app, &theme),
            };
            info.header = hits.header;
            info.header_y = hits.header_y;
            info.body = hits.body;
            info.offset = hits.offset;
            info.page = hits.page;
            info.list_of = Some(app.tab);
            info.shown = app.list().visible.slice(hits.offset, hits.offset + hits.page);
        }
    }
    let typing_search = app.mode == Mode::Search && app.help.is_none() && app.form.is_none() && app.popup.is_none();
    match &app.status {
        _ if typing_search => render_search(frame, footer, app, &theme),
        Some((tone, text)) => render_status(frame, footer, *tone, text, &theme),
        None => help::render_bar(frame, footer, app, &theme),
    }
    // The caret of a form, then of its picker; a popup over them hides it.
    let mut caret = None;
    if let Some(f) = &app.form {
        caret = form::render(frame, body, f, &theme);
        if f.picker.is_some() {
            caret = popup::render_picker(frame, body, f, &theme);
        }
    }
    if let Some(p) = &app.popup {
        caret = match p {
            Popup::Export(d) => export::render(frame, app, d, &theme),
            Popup::Choose(c) => {
                let (zh, short) = (app.opts.lang == Lang::Zh, Rect { height: body.height.min(16), ..body });
                popup::render_list(frame, short, c.title, &c.picker, &c.options, zh, &theme)
            }
            _ => {
                (info.text_page, info.text_max) = popup::render(frame, app, p, &theme);
                None
            }
        };
    }
    if let Some(scroll) = app.help {
        let (page, max) = help::render_popup(frame, app, &theme, scroll);
        (info.text_page, info.text_max) = (page, max);
        caret = None;
    }
    if let Some(at) = caret {
        frame.set_cursor_position(at);
    }
    info
}

/// The footer as a message (saved, refused, undone) until the next key.
fn render_status(frame: &mut Frame, area: Rect, tone: Tone, text: &str, theme: &Theme) {
    let text = format!(" {}", theme.plain(&crate::text::display_safe(text)));
    let shown = fit(&text, usize::from(area.width), theme).0.into_owned();
    frame.render_widget(Paragraph::new(Line::from(Span::styled(shown, theme.tone(tone)))), area);
}

fn too_small(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    if area.width == 0 || area.height == 0 {
        return;
    }
    let lines = vec![
        Line::from(Span::styled(app.t("终端窗口太小", "Terminal too small"), theme.title())),
        Line::from(format!(
            "{} {MIN_WIDTH}x{MIN_HEIGHT}, {} {}x{}",
            app.t("至少需要", "need at least"),
            app.t("当前", "have"),
            area.width,
            area.height
        )),
        Line::from(Span::styled(app.t("q 退出", "q quits"), theme.muted())),
    ];
    let h = (lines.len() as u16).min(area.height);
    let y = area.y + (area.height - h) / 2;
    let text: Vec<Line> = lines.into_iter().map(|l| l.centered()).collect();
    frame.render_widget(Paragraph::new(text), Rect { y, height: h, ..area });
}

/// The header: program, banners, database, today and its weekday on the left, the attention
/// counts on the right. Today's date is never cut (issue 13): when the line is short the rest
/// gives way first — the database's name is cut and then left out, then the program's name,
/// then the counts and the banners take their short words, then the weekday goes.
fn render_header(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let [overdue, today, soon] = app.counts;
    let lang = app.opts.lang;
    let counts = |short: bool| -> Vec<(String, Tone, usize)> {
        let (a, b, c) = match (lang, short) {
            // `!` shows the overdue ones from any tab: written as the key bars write a key.
            (Lang::Zh, false) => (format!("! 逾期 {overdue}"), format!("今日到期 {today}"), format!("即将到期 {soon}")),
            (Lang::Zh, true) => (format!("!逾期{overdue}"), format!("今日{today}"), format!("将到期{soon}")),
            (Lang::En, false) => {
                (format!("! {overdue} overdue"), format!("{today} due today"), format!("{soon} due soon"))
            }
            (Lang::En, true) => (format!("!{overdue} late"), format!("{today} today"), format!("{soon} soon")),
        };
        vec![(a, Tone::Overdue, overdue), (b, Tone::DueToday, today), (c, Tone::DueSoon, soon)]
    };
    let weekday = match lang {
        Lang::Zh => ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
        Lang::En => ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"],
    }[app.today.weekday().num_days_from_monday() as usize];
    // Read-only is a banner, not a footnote: every edit key will be refused. So is a file
    // every account on the server can read (personnel data). Rows typed by hand against the
    // rules are left out of the lists: say so on every tab (the Overview and `guazhi check`
    // say which).
    let unreadable = app.unreadable().len();
    let banners = |short: bool| -> String {
        let mut banner = String::new();
        if app.opts.read_only.is_some() {
            banner.push_str(app.t(" 只读 ", if short { " RO " } else { " READ-ONLY " }));
        }
        if app.opts.world_readable {
            banner.push_str(match (lang, short) {
                (Lang::Zh, false) => " 他人可读 ",
                (Lang::Zh, true) => " 他人可读 ",
                (Lang::En, false) => " WORLD-READABLE ",
                (Lang::En, true) => " WORLD ",
            });
        }
        if unreadable > 0 {
            banner.push_str(&match (lang, short) {
                (Lang::Zh, _) => format!(" {unreadable} 行无法读取 "),
                (Lang::En, false) => {
                    format!(" {} ", crate::lang::count(unreadable, "unreadable row", "unreadable rows"))
                }
                (Lang::En, true) => format!(" {unreadable} unreadable "),
            });
        }
        banner
    };
    let dot = theme.dot();
    let name = format!(" {} ", app.t("挂职", "guazhi"));
    // From the fullest header to the plainest: (program name, short counts, short banners,
    // weekday). The first that leaves room for some of the database's name, else the first
    // that fits without it.
    let plans = [
        (true, false, false, true),
        (false, false, false, true),
        (false, true, false, true),
        (false, true, true, true),
        (false, true, true, false),
    ];
    let width = usize::from(area.width);
    let fixed = |(with_name, short_counts, short_banners, with_weekday): (bool, bool, bool, bool)| -> usize {
        let banner = banners(short_banners);
        usize::from(if with_name { cells(&name) } else { 1 })
            + if banner.is_empty() { 0 } else { crate::text::width(&banner) + 1 }
            + 10
            + if with_weekday { crate::text::width(weekday) + 1 } else { 0 }
            + counts(short_counts).iter().map(|(t, ..)| crate::text::width(t) + 2).sum::<usize>()
            + 2
    };
    let db_min = crate::text::width(dot) + crate::text::width(&app.opts.db_name).min(6);
    let with_db = |p: &&(bool, bool, bool, bool)| app.opts.db_name.is_empty() || fixed(**p) + db_min <= width;
    let fits = |p: &&(bool, bool, bool, bool)| fixed(**p) <= width;
    // The weekday goes last of all.
    let (last, rest) = plans.split_last().expect("plans");
    let chosen = rest
        .iter()
        .find(with_db)
        .or_else(|| rest.iter().find(fits))
        .or_else(|| Some(last).filter(with_db))
        .copied()
        .unwrap_or(*last);
    let db_room = width.saturating_sub(fixed(chosen));
    let (with_name, short_counts, short_banners, with_weekday) = chosen;
    let banner = banners(short_banners);
    let mut spans = vec![if with_name { Span::styled(name, theme.app_name()) } else { Span::raw(" ") }];
    if !banner.is_empty() {
        spans.push(Span::styled(banner, theme.banner()));
        spans.push(Span::raw(" "));
    }
    let db_w = db_room.saturating_sub(usize::from(cells(dot)));
    if db_w >= 4 && !app.opts.db_name.is_empty() {
        let db = fit(&app.opts.db_name, db_w, theme).0.into_owned();
        spans.push(Span::raw(db));
        spans.push(Span::raw(dot));
    }
    spans.push(Span::raw(app.today.to_string()));
    if with_weekday {
        spans.push(Span::raw(format!(" {weekday}")));
    }
    let mut right = Vec::new();
    for (text, tone, n) in counts(short_counts) {
        right.push(Span::styled(text, theme.count(tone, n)));
        right.push(Span::raw("  "));
    }
    let used = spans.iter().chain(&right).map(|s| cells(&s.content)).fold(0u16, u16::saturating_add);
    spans.push(Span::raw(" ".repeat(usize::from(area.width.saturating_sub(used)))));
    spans.extend(right);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn render_tabs(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) -> Vec<(Rect, Tab)> {
    let mut hits = Vec::new();
    let mut spans = vec![Span::raw(" ")];
    let mut x = area.x + 1;
    for (i, tab) in Tab::ALL.into_iter().enumerate() {
        let title = format!(" {} {} ", i + 1, app.t(tab.zh(), tab.en()));
        let w = cells(&title);
        if x.saturating_add(w) > area.right() {
            break;
        }
        hits.push((Rect { x, y: area.y, width: w, height: 1 }, tab));
        spans.push(Span::styled(title, theme.tab(tab == app.tab)));
        spans.push(Span::raw(" "));
        x = x.saturating_add(w + 1);
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    hits
}

/// The search line; the real terminal cursor sits at the caret (input methods put their
/// candidate window there), measured in display cells.
fn render_search(frame: &mut Frame, area: Rect, app: &App, theme: &Theme) {
    let list = app.list();
    let prompt = format!(" {} / ", app.t("搜索", "Search"));
    let hints: Vec<Span> = help::bar_items(app)
        .into_iter()
        .filter(|(k, _)| k == "Enter" || k == "Esc")
        .flat_map(|(k, l)| {
            [Span::styled(k, theme.key()), Span::raw(" "), Span::styled(l, theme.muted()), Span::raw("  ")]
        })
        .collect();
    let hints_w = hints.iter().map(|s| cells(&s.content)).fold(0u16, u16::saturating_add);
    let prompt_w = cells(&prompt);
    let hints = if prompt_w + hints_w + 8 <= area.width { hints } else { Vec::new() };
    let hints_w = hints.iter().map(|s| cells(&s.content)).fold(0u16, u16::saturating_add);
    let input_w = area.width.saturating_sub(prompt_w + hints_w + 1);
    let input = &list.input;
    let scroll = input.visual_scroll(usize::from(input_w));
    let mut skipped = 0;
    let visible: String = input
        .value()
        .chars()
        .skip_while(|c| {
            let skip = skipped < scroll;
            if skip {
                skipped += unicode_width::UnicodeWidthChar::width(*c).unwrap_or(0);
            }
            skip
        })
        .collect();
    let shown = crate::text::truncate_marked(&visible, usize::from(input_w), theme.ascii).into_owned();
    let pad = input_w.saturating_sub(cells(&shown));
    let mut spans = vec![Span::styled(prompt, theme.key()), Span::raw(shown), Span::raw(" ".repeat(usize::from(pad)))];
    spans.extend(hints);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    let caret = input.visual_cursor().saturating_sub(skipped);
    let x = area
        .x
        .saturating_add(prompt_w)
        .saturating_add(u16::try_from(caret).unwrap_or(u16::MAX))
        .min(area.right().saturating_sub(1));
    frame.set_cursor_position(Position::new(x, area.y));
}

/// The box around a list, titled with the tab, counts, search, filters and sort.
pub fn list_block(app: &App, tab: Tab, extra: Vec<Span<'static>>, theme: &Theme) -> Block<'static> {
    let list = &app.lists[tab.index()];
    let mut spans = vec![Span::styled(format!(" {} ", app.t(tab.zh(), tab.en())), theme.title())];
    // First rows read by index are a beginning, not a count.
    if app.catalogs.ready(tab) {
        spans.push(Span::styled(format!("{}/{} ", list.visible.len(), app.total(tab)), theme.muted()));
    }
    if app.loading(tab) {
        let hint = theme.plain(app.t("正在读取全部记录… ", "reading every record… ")).into_owned();
        spans.push(Span::styled(hint, theme.muted()));
    }
    let dot = theme.dot().trim_start();
    for item in extra {
        spans.push(Span::styled(dot, theme.muted()));
        spans.push(item);
    }
    if list.searching() {
        let q = crate::text::display_safe(list.input.value()).into_owned();
        spans.push(Span::styled(dot, theme.muted()));
        spans.push(Span::styled(format!("{} \"{q}\" ", app.t("搜索", "search")), theme.matched()));
    }
    let mut block = Block::default()
        .borders(Borders::ALL)
        .border_set(theme.border_set())
        .border_style(theme.border())
        .title(Line::from(spans));
    if let Some(col) = list.sort.and_then(|c| app.table(tab).columns.get(c)) {
        let marker = theme.sort_marker(list.reverse);
        let sort = format!(" {} {}{marker} ", app.t("排序", "sort"), col.label);
        block = block.title_top(Line::from(Span::styled(sort, theme.muted())).right_aligned());
    } else if list.reverse {
        block = block.title_top(
            Line::from(Span::styled(format!(" {} ", app.t("倒序", "reversed")), theme.muted())).right_aligned(),
        );
    }
    block
}

/// A tab that is just a list in a box, with the detail strip under it when the columns do not
/// show everything (issue 13: the selected row's left-out columns and whole texts).
pub fn simple_list(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    tab: Tab,
    extra: Vec<Span<'static>>,
    theme: &Theme,
) -> table::Hits {
    let block = list_block(app, tab, extra, theme);
    let columns = &app.table(tab).columns;
    let layout = table::layout_columns(columns, block.inner(area).width);
    let strip = table::strip_height(columns, &layout, area.width, area.height);
    let boxed = Rect { height: area.height - strip, ..area };
    let inner = block.inner(boxed);
    frame.render_widget(block, boxed);
    let hits = table::render_placed(frame, inner, app, tab, &layout, theme);
    if strip > 0 {
        let below = Rect { y: boxed.bottom(), height: strip, ..area };
        table::render_strip(frame, below, app, tab, &layout, theme);
    }
    hits
}
