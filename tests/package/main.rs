//! The Debian package, as someone installing it meets it.
//!
//! `make package` makes the release package with `scripts/package.sh`
//! (Tauri's bundler). This test makes the same package from the debug build
//! that `cargo test --workspace` has just made (`scripts/package.sh debug`:
//! `tauri bundle --debug --bundles deb`), so it builds nothing again. It
//! unpacks the package with `dpkg-deb` into a temporary folder and checks
//! what a package manager and a desktop would see: its name, version and
//! dependencies, the two programs, the icon at every size, and the desktop
//! entry (`desktop-file-validate`). Then it runs the unpacked programs from
//! there, away from this repository: the `peerjournal` command (its version,
//! and a journal made and opened), and the app, through tauri-driver as the
//! end-to-end tests drive it, as far as its first screen, checking that
//! neither the app nor its web view has anything in the repository open.
//!
//! It needs what `make test` installs (the Tauri CLI in ui/node_modules,
//! desktop-file-utils, tauri-driver) and a display: run it with `make test`,
//! or alone with `make test-package`.

#[path = "../e2e/fixture.rs"]
#[allow(dead_code)]
mod fixture;
#[path = "../e2e/webdriver.rs"]
#[allow(dead_code)]
mod webdriver;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::Value;

/// The version every part of the app says it is: Cargo's.
const VERSION: &str = env!("CARGO_PKG_VERSION");
/// The package's name, and its programs' and icons' names.
const PACKAGE: &str = "peer-journal";
const APP: &str = "peer-journal";
const COMMAND: &str = "peerjournal";
/// The sizes of icon a desktop asks for, from a panel's to a launcher's.
const ICON_SIZES: [u32; 8] = [16, 24, 32, 48, 64, 128, 256, 512];
/// How long the packaged app gets to show its first screen.
const TIMEOUT: Duration = Duration::from_secs(30);

type TestResult<T = ()> = Result<T, Box<dyn std::error::Error>>;

/// Returns early from a check with a message when `$ok` is false.
macro_rules! ensure {
    ($ok:expr, $($message:tt)+) => {
        if !$ok {
            return Err(format!($($message)+).into());
        }
    };
}

#[test]
fn the_version_is_written_in_one_place() {
    pass_or_panic(one_version());
}

#[test]
fn the_debian_package_installs_the_app_and_the_command_and_both_run() {
    pass_or_panic(debian_package());
}

/// Fails the test with the check's message (`Display`, not `Debug`).
fn pass_or_panic(result: TestResult) {
    if let Err(failure) = result {
        panic!("{failure}");
    }
}

/// Cargo's workspace version is the one version: Tauri takes it for the app
/// and the package, clap for `peerjournal --version`, and the UI's
/// package.json (which Settings → About shows) must say the same.
fn one_version() -> TestResult {
    let repo = repo()?;
    for krate in ["src-tauri/Cargo.toml", "src-tauri/journal/Cargo.toml"] {
        let manifest = fs::read_to_string(repo.join(krate))?;
        ensure!(
            manifest.lines().any(|line| line.trim() == "version.workspace = true"),
            "{krate} does not take the workspace's version (`version.workspace = true`)"
        );
    }
    let config = read_json(&repo.join("src-tauri/tauri.conf.json"))?;
    ensure!(
        config.get("version").is_none(),
        "src-tauri/tauri.conf.json names a version: leave it out, so that Tauri takes Cargo's ({VERSION})"
    );
    let ui = read_json(&repo.join("ui/package.json"))?;
    ensure!(
        ui["version"] == VERSION,
        "ui/package.json says version {}, Cargo.toml {VERSION}: Settings → About shows the UI's, so make them the same",
        ui["version"]
    );
    let lock = read_json(&repo.join("ui/package-lock.json"))?;
    for (what, version) in
        [("version", &lock["version"]), (r#"packages[""].version"#, &lock["packages"][""]["version"])]
    {
        ensure!(
            *version == VERSION,
            "ui/package-lock.json's {what} is {version}, Cargo.toml's {VERSION}: run npm install in ui/"
        );
    }
    Ok(())
}

fn debian_package() -> TestResult {
    let repo = repo()?;
    let work = tempfile::Builder::new().prefix("peer-journal-package-test-").tempdir()?;
    let deb = make_package(&repo, &work.path().join("deb"))?;

    let control = control_fields(&deb)?;
    ensure!(control["Package"] == PACKAGE, "the package is called {:?}, not {PACKAGE:?}", control["Package"]);
    ensure!(control["Version"] == VERSION, "the package's version is {:?}, Cargo's {VERSION:?}", control["Version"]);
    let depends = package_names(&control["Depends"]);
    for needed in ["libwebkit2gtk-4.1-0", "libgtk-3-0"] {
        ensure!(depends.contains(needed), "the package does not depend on {needed}: Depends: {}", control["Depends"]);
    }

    let root = work.path().join("root");
    run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(&root))?;
    let bin = root.join("usr/bin");
    for program in [APP, COMMAND] {
        let path = bin.join(program);
        let mode = fs::metadata(&path).map_err(|e| format!("the package has no /usr/bin/{program}: {e}"))?;
        ensure!(mode.is_file() && mode.permissions().mode() & 0o111 != 0, "/usr/bin/{program} is not a program");
        every_library_is_depended_on(&path, &depends)?;
    }
    icons_at_every_size(&root)?;
    desktop_entry(&root)?;

    command_runs(&bin.join(COMMAND), work.path())?;
    app_shows_its_first_screen(&bin.join(APP), work.path(), &repo)
}

/// The repository's root (the workspace's folder).
fn repo() -> TestResult<PathBuf> {
    Ok(Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize()?)
}

fn read_json(path: &Path) -> TestResult<Value> {
    let text = fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    Ok(serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))?)
}

/// Runs `command`; its output if it succeeded, else an error saying what it
/// printed.
fn run(command: &mut Command) -> TestResult<Output> {
    let shown = format!("{command:?}");
    let output = command.output().map_err(|e| format!("could not run {shown}: {e}"))?;
    ensure!(
        output.status.success(),
        "{shown} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(output)
}

/// Makes the package from the debug build into `out`, as `make package`
/// makes the release one; returns its path.
fn make_package(repo: &Path, out: &Path) -> TestResult<PathBuf> {
    let output =
        run(Command::new("bash").arg(repo.join("scripts/package.sh")).arg("debug").arg(out).current_dir(repo))?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let deb = PathBuf::from(stdout.lines().last().unwrap_or_default());
    ensure!(
        deb.is_file() && deb.starts_with(out),
        "scripts/package.sh did not say where it put the package (it printed {stdout:?})"
    );
    let name = format!("{PACKAGE}_{VERSION}_");
    ensure!(
        deb.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(&name) && n.ends_with(".deb")),
        "the package is named {}, not {name}ARCH.deb",
        deb.display()
    );
    Ok(deb)
}

/// The package's control fields that the test reads, as `dpkg` reads them.
fn control_fields(deb: &Path) -> TestResult<BTreeMap<&'static str, String>> {
    let mut fields = BTreeMap::new();
    for field in ["Package", "Version", "Depends"] {
        let output = run(Command::new("dpkg-deb").arg("--field").arg(deb).arg(field))?;
        fields.insert(field, String::from_utf8_lossy(&output.stdout).trim().to_owned());
    }
    Ok(fields)
}

/// The package names in a Depends or Provides field, without versions;
/// each alternative (`a | b`) counts.
fn package_names(field: &str) -> BTreeSet<String> {
    field
        .split([',', '|'])
        .filter_map(|item| item.split_whitespace().next())
        .map(|name| name.split(':').next().unwrap_or(name).to_owned())
        .filter(|name| !name.is_empty())
        .collect()
}

/// Every shared library `program` is linked against comes from a package the
/// package depends on (by name, or by a name that package provides: Ubuntu's
/// libgtk-3-0t64 provides libgtk-3-0), as Debian's policy asks.
fn every_library_is_depended_on(program: &Path, depends: &BTreeSet<String>) -> TestResult {
    let dynamic = run(Command::new("readelf").arg("--dynamic").arg(program))?;
    let libraries: Vec<String> = String::from_utf8_lossy(&dynamic.stdout)
        .lines()
        .filter(|line| line.contains("(NEEDED)"))
        .filter_map(|line| line.split('[').nth(1)?.split(']').next().map(str::to_owned))
        .collect();
    ensure!(!libraries.is_empty(), "readelf finds no shared library in {}", program.display());
    for library in libraries {
        let owners = run(Command::new("dpkg-query").arg("--search").arg(format!("*/{library}")))
            .map_err(|_| format!("{library}, which {} needs, is from no installed package", program.display()))?;
        // "libc6:amd64, libc6:i386: /lib/x86_64-linux-gnu/libc.so.6", a line per file.
        let mut names = BTreeSet::new();
        for line in String::from_utf8_lossy(&owners.stdout).lines() {
            let packages = line.split(": ").next().unwrap_or_default();
            for package in package_names(packages) {
                let provides = run(Command::new("dpkg-query").args(["--show", "--showformat=${Provides}", &package]))?;
                names.extend(package_names(&String::from_utf8_lossy(&provides.stdout)));
                names.insert(package);
            }
        }
        ensure!(
            names.iter().any(|name| depends.contains(name)),
            "{} needs {library}, from {}, which the package does not depend on",
            program.display(),
            names.into_iter().collect::<Vec<_>>().join(" or ")
        );
    }
    Ok(())
}

/// The icon, named after the app's program as the desktop entry asks for
/// it, as a PNG of each size a desktop asks for.
fn icons_at_every_size(root: &Path) -> TestResult {
    for size in ICON_SIZES {
        let path = root.join(format!("usr/share/icons/hicolor/{size}x{size}/apps/{APP}.png"));
        let bytes = fs::read(&path).map_err(|e| format!("the package has no {size}×{size} icon: {e}"))?;
        ensure!(
            bytes.len() > 24 && bytes.starts_with(b"\x89PNG\r\n\x1a\n") && &bytes[12..16] == b"IHDR",
            "{} is not a PNG",
            path.display()
        );
        let width = u32::from_be_bytes([bytes[16], bytes[17], bytes[18], bytes[19]]);
        let height = u32::from_be_bytes([bytes[20], bytes[21], bytes[22], bytes[23]]);
        ensure!((width, height) == (size, size), "the {size}×{size} icon is {width}×{height}");
    }
    Ok(())
}

/// One desktop entry, valid by `desktop-file-validate` (not even a hint),
/// naming the app, saying what it is, in the Office menu, and starting the
/// packaged program with its icon.
fn desktop_entry(root: &Path) -> TestResult {
    let folder = root.join("usr/share/applications");
    let entries: Vec<PathBuf> = fs::read_dir(&folder)
        .map_err(|e| format!("the package has no {}: {e}", folder.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "desktop"))
        .collect();
    let [entry] = entries.as_slice() else {
        return Err(format!("the package has {} desktop entries, not one: {entries:?}", entries.len()).into());
    };
    let validated = Command::new("desktop-file-validate").arg(entry).output().map_err(|e| {
        format!("could not run desktop-file-validate ({e}): install desktop-file-utils (scripts/setup.sh test does)")
    })?;
    let said = format!("{}{}", String::from_utf8_lossy(&validated.stdout), String::from_utf8_lossy(&validated.stderr));
    ensure!(validated.status.success() && said.trim().is_empty(), "desktop-file-validate finds:\n{said}");

    let text = fs::read_to_string(entry)?;
    let keys: HashMap<&str, &str> = text
        .lines()
        .skip_while(|line| line.trim() != "[Desktop Entry]")
        .skip(1)
        .take_while(|line| !line.starts_with('['))
        .filter_map(|line| line.split_once('='))
        .collect();
    let key = |name: &str| keys.get(name).copied().unwrap_or_default();
    ensure!(key("Type") == "Application", "the desktop entry's Type is {:?}", key("Type"));
    ensure!(key("Name") == "Peer Journal", "the desktop entry's Name is {:?}", key("Name"));
    ensure!(key("Comment").len() > 10, "the desktop entry's Comment says too little: {:?}", key("Comment"));
    ensure!(
        key("Categories").split(';').any(|category| category == "Office"),
        "the desktop entry is not in the Office category: Categories={}",
        key("Categories")
    );
    ensure!(key("Exec").split_whitespace().next() == Some(APP), "the desktop entry runs {:?}, not {APP}", key("Exec"));
    ensure!(key("Icon") == APP, "the desktop entry's Icon is {:?}, not {APP}", key("Icon"));
    Ok(())
}

/// The packaged `peerjournal` says the version, and makes and opens a
/// journal (its encryption included), started from `work`.
fn command_runs(command: &Path, work: &Path) -> TestResult {
    let peerjournal = || {
        let mut run = Command::new(command);
        run.current_dir(work)
            .env_remove("PEERJOURNAL_DIR")
            .env("PEERJOURNAL_PASSPHRASE", "rhubarb lantern quietly orbits");
        run
    };
    let version = run(peerjournal().arg("--version"))?;
    let said = String::from_utf8_lossy(&version.stdout);
    ensure!(said.trim() == format!("{COMMAND} {VERSION}"), "`peerjournal --version` says {said:?}");

    let journal = work.join("journal");
    let init = ["init", "--name", "Sam", "--role", "volunteer", "--kdf-memory-mib", "64"];
    run(peerjournal().arg("--journal").arg(&journal).args(init))?;
    let status = run(peerjournal().arg("--journal").arg(&journal).args(["--json", "status"]))?;
    let status: Value = serde_json::from_slice(&status.stdout)?;
    ensure!(status["name"] == "Sam", "the packaged command made a journal but its status says {status}");
    Ok(())
}

/// Starts the packaged app from `work` through tauri-driver and waits for its
/// first screen (setting up a journal, in a new journal folder), then checks
/// that no process of it has a file of the repository open or mapped, or
/// its working folder there.
fn app_shows_its_first_screen(app: &Path, work: &Path, repo: &Path) -> TestResult {
    let has_display =
        ["DISPLAY", "WAYLAND_DISPLAY"].iter().any(|var| std::env::var_os(var).is_some_and(|value| !value.is_empty()));
    ensure!(has_display, "no display to open the app on: run the tests with `make test` (it uses xvfb-run)");
    // tauri-driver, WebKitWebDriver and the app inherit it.
    std::env::set_current_dir(work)?;
    let driver = fixture::Driver::start()?;
    let shown = first_screen(&driver, app, repo);
    if shown.is_err() {
        eprintln!("{}", driver.log_tail());
    }
    shown
}

fn first_screen(driver: &fixture::Driver, app: &Path, repo: &Path) -> TestResult {
    let session = driver.launch(app, &[])?;
    session.wait_for("[data-screen=setup]", TIMEOUT)?;
    session.wait_for_label("Your name", TIMEOUT)?;

    let processes = process_tree_of(app)?;
    ensure!(!processes.is_empty(), "no process runs {}", app.display());
    for pid in processes {
        for path in paths_in_use(pid) {
            ensure!(
                !path.starts_with(repo),
                "the packaged app (process {pid}) uses {}, in the repository",
                path.display()
            );
        }
    }
    session.end()?;
    Ok(())
}

/// The processes running `program`, and all their descendants (the web
/// view's processes).
fn process_tree_of(program: &Path) -> TestResult<Vec<u32>> {
    let program = program.canonicalize()?;
    let mut parents: Vec<(u32, u32)> = Vec::new();
    let mut roots = Vec::new();
    for entry in fs::read_dir("/proc")? {
        let Some(pid) = entry?.file_name().to_str().and_then(|name| name.parse::<u32>().ok()) else { continue };
        // "pid (name) state ppid …": the name may hold spaces and brackets.
        let Ok(stat) = fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        let Some(ppid) = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse().ok())
        else {
            continue;
        };
        parents.push((pid, ppid));
        if fs::read_link(format!("/proc/{pid}/exe")).is_ok_and(|exe| exe == program) {
            roots.push(pid);
        }
    }
    let mut tree = roots;
    let mut next = 0;
    while next < tree.len() {
        let parent = tree[next];
        tree.extend(parents.iter().filter(|(_, ppid)| *ppid == parent).map(|(pid, _)| *pid));
        next += 1;
    }
    Ok(tree)
}

/// The paths a process uses now: its program, working folder, open files and
/// mapped files (a process that has gone uses none).
fn paths_in_use(pid: u32) -> Vec<PathBuf> {
    let proc = PathBuf::from(format!("/proc/{pid}"));
    let mut paths: Vec<PathBuf> =
        ["exe", "cwd"].iter().filter_map(|link| fs::read_link(proc.join(link)).ok()).collect();
    if let Ok(fds) = fs::read_dir(proc.join("fd")) {
        paths.extend(fds.filter_map(|fd| fs::read_link(fd.ok()?.path()).ok()));
    }
    if let Ok(maps) = fs::read_to_string(proc.join("maps")) {
        paths.extend(maps.lines().filter_map(|line| line.find(" /").map(|at| PathBuf::from(line[at + 1..].trim()))));
    }
    paths
}
