//! Hostile input and faulty saves, round two (issue 12): what an attacker or an unlucky user
//! tried, each test named after what broke. The bad-input contract is SPEC §8, the save
//! contract SPEC §3.
#![allow(clippy::unwrap_used)]

use std::fs;
use std::path::Path;

use fulcrum::format::{self, FormatError};
use fulcrum::model::Map;

const MAP: &str = "#![enable(implicit_some)]\nMap(\n    format: 1,\n    title: \"t\",\n    nodes: [\n        (id: \"a\", kind: Metric, title: \"A\", value: 1.0),\n    ],\n)\n";

fn map() -> Map {
    format::parse_str(MAP).unwrap().map
}

/// The names in a folder, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

// ------------------------------------------------------------------------- atomic saves

/// Regression: the temp file was `.NAME.tmp-PID`, opened without `O_EXCL`, so a symlink
/// planted at that name made `fmt` write the map into the link's target and leave the map
/// replaced by the symlink.
#[cfg(unix)]
#[test]
fn a_symlink_planted_at_the_old_temp_name_is_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.ron");
    fs::write(&path, MAP.replace("value: 1.0", "value: 2.0")).unwrap();
    let victim = dir.path().join("victim.txt");
    fs::write(&victim, b"precious").unwrap();
    let planted = dir
        .path()
        .join(format!(".m.ron.tmp-{}", std::process::id()));
    std::os::unix::fs::symlink(&victim, &planted).unwrap();

    format::save(&map(), &path).unwrap();

    assert_eq!(fs::read(&victim).unwrap(), b"precious");
    let meta = fs::symlink_metadata(&path).unwrap();
    assert!(meta.file_type().is_file(), "the map is a file, not a link");
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        format::to_string(&map())
    );
    // The planted link is young, so it is left alone; no temp file is left behind.
    assert_eq!(
        names(dir.path()),
        [
            planted.file_name().unwrap().to_str().unwrap(),
            "m.ron",
            "victim.txt"
        ]
    );
}

/// Regression: the temp file was created 0644 and given the map's mode only once written, so
/// another user could read a 0600 map while it was saved. It is now created with no more than
/// the map's mode and ends with exactly that mode.
#[cfg(unix)]
#[test]
fn a_0600_map_stays_0600() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    for mode in [0o600, 0o640, 0o644] {
        let path = dir.path().join(format!("m{mode:o}.ron"));
        fs::write(&path, b"old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        format::save(&map(), &path).unwrap();
        let after = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(after, mode, "{mode:o}");
    }
}

/// Regression: a 0444 map was silently replaced (the rename needs only the folder's
/// permission). Now the save is refused with its own error and the file left alone.
#[test]
fn a_read_only_map_is_refused_and_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.ron");
    fs::write(&path, b"old").unwrap();
    let mut readonly = fs::metadata(&path).unwrap().permissions();
    readonly.set_readonly(true);
    fs::set_permissions(&path, readonly).unwrap();
    let err = format::save(&map(), &path).unwrap_err();
    assert!(matches!(err, FormatError::ReadOnly { .. }), "{err:?}");
    assert!(err.to_string().contains("x.ron is read-only"), "{err}");
    assert_eq!(fs::read(&path).unwrap(), b"old");
    assert_eq!(names(dir.path()), ["x.ron"]);
}

/// Regression: the temp files of a killed save stayed for ever (hundreds of MB at 1M nodes).
/// The next save of the same file removes those a minute old — never a younger one, which may
/// be another save at work, nor another file's.
#[test]
fn a_stale_temp_file_is_swept_by_the_next_save() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("m.ron");
    fs::write(&path, b"old").unwrap();
    let two_minutes_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(120);
    let make = |name: &str, stale: bool| {
        let file = fs::File::create(dir.path().join(name)).unwrap();
        if stale {
            file.set_modified(two_minutes_ago).unwrap();
        }
    };
    make(".m.ron.fulcrum-tmp-Ab3dE6gH", true);
    make(".m.ron.tmp-4242", true);
    make(".m.ron.fulcrum-tmp-young123", false);
    make(".other.ron.fulcrum-tmp-Ab3dE6gH", true);
    make(".m.ron.tmp-notapid", true);

    format::save(&map(), &path).unwrap();

    assert_eq!(
        names(dir.path()),
        [
            ".m.ron.fulcrum-tmp-young123",
            ".m.ron.tmp-notapid",
            ".other.ron.fulcrum-tmp-Ab3dE6gH",
            "m.ron"
        ]
    );
}

/// Regression: in a folder that may be written but not listed (mode 0300), the folder could
/// not be opened to flush it after the rename, and the save reported a failure although the
/// file had been replaced. (Root may open any folder, so there this only checks the save.)
#[cfg(unix)]
#[test]
fn a_save_in_a_write_only_folder_succeeds() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("drop");
    fs::create_dir(&folder).unwrap();
    let path = folder.join("m.ron");
    fs::write(&path, b"old").unwrap();
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o300)).unwrap();
    let saved = format::save(&map(), &path);
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o700)).unwrap();
    saved.unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        format::to_string(&map())
    );
    assert_eq!(names(&folder), ["m.ron"]);
}

/// A map with a name as long as a file name may be (255 bytes) still saves: the temp file's
/// name is cut to fit.
#[test]
fn a_map_with_the_longest_name_saves() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{}.ron", "m".repeat(251)));
    format::save(&map(), &path).unwrap();
    assert_eq!(
        fs::read_to_string(&path).unwrap(),
        format::to_string(&map())
    );
    assert_eq!(names(dir.path()).len(), 1);
}

/// A history of 100k periods written newest first, with one period twice: read in one sort
/// (an insert per period would take time quadratic in its length), every period kept in
/// order, and the repeat named at its place.
#[test]
fn a_long_history_written_newest_first_is_read_and_its_repeat_named() {
    let mut pairs: Vec<String> = (0..100_000)
        .rev()
        .map(|k| format!("\"p{k:06}\": {k}.0"))
        .collect();
    pairs.push("\"p000007\": 1.5".to_owned());
    let text = format!(
        "Map(format: 1, nodes: [(id: \"m\", kind: Metric, title: \"M\", value: 1.0, history: {{{}}})])",
        pairs.join(", ")
    );
    let Err(FormatError::Invalid(problems)) = format::parse_str(&text) else {
        panic!("the repeated period is an error");
    };
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].message.contains("\"p000007\" appears twice"),
        "{problems:?}"
    );
    let fine = text.replace(", \"p000007\": 1.5", "");
    let map = format::parse_str(&fine).unwrap().map;
    let history = &map.node("m").unwrap().history;
    assert_eq!(history.len(), 100_000);
    assert!(
        history
            .keys()
            .zip(history.keys().skip(1))
            .all(|(a, b)| a < b)
    );
    assert_eq!(history.get("p000007"), Some(&7.0));
}
