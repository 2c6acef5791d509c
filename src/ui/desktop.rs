//! What the desktop offers: the folder for Fulcrum's own files and whether native file
//! dialogs can be shown. Knows nothing of egui.

use std::path::{Path, PathBuf};

/// The folder for Fulcrum's own files (recent list, recovery): `$XDG_CONFIG_HOME/fulcrum`,
/// `~/.config/fulcrum`, `~/Library/Application Support/fulcrum` or `%APPDATA%\fulcrum`.
pub(crate) fn config_dir() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let base = if cfg!(target_os = "windows") {
        env("APPDATA")
    } else if cfg!(target_os = "macos") {
        env("HOME").map(|h| h.join("Library/Application Support"))
    } else {
        env("XDG_CONFIG_HOME").or_else(|| env("HOME").map(|h| h.join(".config")))
    };
    base.map(|b| b.join("fulcrum"))
}

/// Whether rfd can show a dialog here. On Linux it needs the desktop portal (over D-Bus)
/// or `zenity`; without either it returns nothing at once, so the app asks in-app instead.
pub(crate) fn native_dialogs_available() -> bool {
    if !cfg!(target_os = "linux") {
        return true;
    }
    let on_path = |name: &str| {
        std::env::var_os("PATH")
            .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join(name).is_file()))
    };
    let portal = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some()
        && [
            "/usr/share/dbus-1/services/org.freedesktop.portal.Desktop.service",
            "/usr/local/share/dbus-1/services/org.freedesktop.portal.Desktop.service",
        ]
        .iter()
        .any(|p| Path::new(p).exists());
    portal || on_path("zenity")
}
