//! 任免审批表 from the screens: the forms of the cadres a list shows, as a zip in a folder.
//! The `E` export offers it on the Cadres and Reserve tabs; the forms are written one cadre at
//! a time (`Store::each_particulars`, `interop::lrmx_write`), as `guazhi export --what lrmx`
//! writes them.

use crate::domain::Id;
use crate::interop::lrmx_write::FormZip;
use crate::interop::unused_path;
use crate::store::{Store, StoreError, Which};
use chrono::NaiveDate;
use std::io;
use std::path::{Path, PathBuf};

/// Writes the forms of `cadres`, in their order, into `dir/STEM.zip` (`STEM-2.zip` … when that
/// exists: nothing is replaced). The path written and the number of forms (cadres whose
/// record cannot be read are left out).
pub fn write_forms(
    store: &Store,
    cadres: &[Id],
    today: NaiveDate,
    dir: &Path,
    stem: &str,
) -> io::Result<(PathBuf, usize)> {
    let path = unused_path(dir, stem, "zip");
    let mut zip = FormZip::create(&path)?;
    store.each_particulars(Which::Ids(cadres), |p| zip.add(&p, today).map_err(StoreError::Io)).map_err(
        |e| match e {
            StoreError::Io(e) => e,
            other => io::Error::other(other.to_string()),
        },
    )?;
    let n = zip.finish()?;
    Ok((std::path::absolute(&path).unwrap_or(path), n))
}
