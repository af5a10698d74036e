//! Writing what `E` asks for: the rows a slice at a time, their cadres' neighbourhood read and
//! their cells made by the view, then the file; the status line says where it went.

use crate::app::export::{sheet_row, ExportFormat, ExportJob};
use crate::app::view::{Index, Lookup, Rec, Tone, Views};
use crate::app::{Action, App};
use crate::interop::{save, unused_path, SheetFormat};
use crate::store::{Store, StoreError};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Writes an export job under its file name, relative to the current folder (else the home
/// folder when that cannot be written), and says where it went.
pub(super) fn exported(app: &App, store: &Store, job: ExportJob) -> Action {
    let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let result = write_export(app, store, &job, &here).or_else(|e| match std::env::var_os("HOME") {
        Some(home) if e.kind() == std::io::ErrorKind::PermissionDenied => {
            write_export(app, store, &job, Path::new(&home))
        }
        _ => Err(e),
    });
    match result {
        Ok((path, n)) => {
            let path = crate::text::display_safe(&path.display().to_string()).into_owned();
            let text = match job.format {
                ExportFormat::Lrmx => app.opts.lang.pick(
                    format!("已导出 {n} 份任免审批表到 {path}"),
                    format!("exported {} to {path}", crate::lang::count(n, "form", "forms")),
                ),
                _ => app.opts.lang.pick(
                    format!("已导出 {n} 行到 {path}"),
                    format!("exported {} to {path}", crate::lang::count(n, "row", "rows")),
                ),
            };
            Action::Notice(Tone::Good, text)
        }
        Err(e) => Action::Notice(Tone::Error, format!("{}{e}", app.t("导出失败：", "export failed: "))),
    }
}

/// Writes the job into `dir`; returns the path written and how many rows (forms) it holds.
pub fn write_export(app: &App, store: &Store, job: &ExportJob, dir: &Path) -> std::io::Result<(PathBuf, usize)> {
    match job.format {
        ExportFormat::Xlsx | ExportFormat::Csv => write_sheet(app, store, job, dir),
        ExportFormat::Lrmx => {
            // One form per cadre of the rows, in their order (a cadre twice on Reserve: once).
            let mut seen = std::collections::HashSet::new();
            let cadres: Vec<crate::domain::Id> =
                job.rows.iter().filter_map(|r| r.1).filter(|&c| seen.insert(c)).collect();
            let (folder, stem, _) = split_name(&dir.join(&job.file), "zip");
            super::write_forms(store, &cadres, app.today, &folder, &stem)
        }
    }
}

/// The rows a slice at a time: their cadres' neighbourhood read, their cells made by the view.
fn write_sheet(app: &App, store: &Store, job: &ExportJob, dir: &Path) -> std::io::Result<(PathBuf, usize)> {
    let mut sheet = job.sheet.clone();
    let io = |e: StoreError| std::io::Error::other(e.to_string());
    for chunk in job.rows.chunks(2000) {
        let mut cadres: Vec<crate::domain::Id> = chunk.iter().filter_map(|r| r.1).collect();
        cadres.sort_unstable();
        cadres.dedup();
        let data = store.neighbourhood(&cadres).map_err(io)?;
        let index = Index::new(&data);
        let lk = Lookup { data: &data, ix: &index, today: app.today, lang: app.opts.lang, ascii: app.opts.ascii };
        let views = Views::build_for(&lk, job.tab);
        let table = views.table(job.tab);
        let by_rec: HashMap<Rec, usize> =
            table.rows.iter().enumerate().filter_map(|(i, r)| Some((r.rec?, i))).collect();
        for (rec, _) in chunk {
            if let Some(&i) = by_rec.get(rec) {
                sheet.rows.push(sheet_row(table, &table.rows[i], &job.columns, job.every_field));
            }
        }
    }
    // Never over an existing file: `name-2.xlsx` and on.
    let wanted = dir.join(&job.file);
    let (folder, stem, ext) = split_name(&wanted, job.format.extension());
    let path = unused_path(&folder, &stem, &ext);
    let format = if job.format == ExportFormat::Csv { SheetFormat::Csv } else { SheetFormat::Xlsx };
    save(&sheet, format, &path)?;
    Ok((std::path::absolute(&path).unwrap_or(path), sheet.rows.len()))
}

/// A file name's folder, stem and extension; a name without an extension gets the format's.
fn split_name(path: &Path, default_ext: &str) -> (PathBuf, String, String) {
    let folder = path.parent().map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    let stem = path.file_stem().map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let ext = path.extension().map_or_else(|| default_ext.to_string(), |e| e.to_string_lossy().into_owned());
    (folder, stem, ext)
}
