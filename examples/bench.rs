//! The benchmark of SPEC 11: `kaohe run` on a reference workload, for one
//! month and for a `--year` run, against the I/O floor measured in the same
//! invocation.
//!
//! ```sh
//! cargo run --release --example bench -- large            # or medium, sample, xl
//! cargo run --release --example bench -- medium --dir /data/kaohe-bench --runs year
//! ```
//!
//! The workloads are generated (deterministically, by `kaohe demo-data`'s
//! generator) into `--dir` (default: `kaohe-bench` in the system's temporary
//! folder), once; `sample` uses the repository's `samples/ledgers`. Outputs
//! go to the same folder, never into the repository.
//!
//! For each run the benchmark reports the wall time of kaohe and of its
//! stages, input rows read per second, workbooks written per second and
//! peak memory, then the I/O floor:
//! - **read floor**: the same input files only read, cell by cell, with
//!   calamine's streaming cell reader (no typing, no validation), in
//!   parallel over files;
//! - **write floor**: the same number of workbooks, with the same sheets and
//!   cells (values copied from a sample of kaohe's own outputs: strings as
//!   strings, numbers and formula results as numbers; no formats, formulas,
//!   charts or protection), only written with rust_xlsxwriter at kaohe's zip
//!   compression level, in parallel, each into a buffer and then to a file;
//!
//! and the ratio kaohe ÷ (read floor + write floor). Every measured step runs
//! in a child process of its own, so each peak memory is its own.
//!
//! Timings are printed, never asserted: CI runs `bench -- sample` as a
//! smoke test and for the record.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use calamine::{Data, Reader, Xlsx};
use rayon::prelude::*;

const CHILD: &str = "KAOHE_BENCH_CHILD";

// The allocator the `kaohe` binary ships with, so that the runs measured
// here are the ones users get.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
const YEAR: i32 = 2026;

fn main() -> Result<()> {
    match std::env::var(CHILD).ok().as_deref() {
        Some("kaohe") => {
            kaohe::memory::release_promptly(true);
            std::process::exit(kaohe::cli::main())
        }
        Some("read-floor") => return child_report(read_floor_child()),
        Some("write-floor") => return child_report(write_floor_child()),
        _ => {}
    }
    let args = Args::parse()?;
    let root = args.dir.clone();
    std::fs::create_dir_all(&root).with_context(|| format!("creating {}", root.display()))?;
    let ledgers = workload(&args.workload, &root)?;
    let mut trash = Trash::new(&root);
    let scheme = root.join("考核方案.toml");
    std::fs::write(&scheme, include_str!("../samples/考核方案.toml"))?;
    println!("{}", machine());
    println!("workload {} at {}", args.workload, ledgers.display());
    for run in &args.runs {
        let sel: Vec<String> = match run.as_str() {
            "month" => vec!["--period".into(), format!("{YEAR}-12")],
            "year" => vec!["--year".into(), YEAR.to_string()],
            other => bail!("unknown run {other} (month, year)"),
        };
        let out = root.join(format!("out-{}-{run}", args.workload));
        trash.discard(&out);
        let mut cmd = vec!["run".to_string(), path_arg(&ledgers)];
        cmd.extend(sel);
        cmd.extend([
            "--scheme".into(),
            path_arg(&scheme),
            "--out".into(),
            path_arg(&out),
        ]);
        if let Some(j) = &args.jobs {
            cmd.extend(["--jobs".into(), j.clone()]);
        }
        println!("\n== {} {run}: kaohe {}", args.workload, cmd.join(" "));
        let k = child("kaohe", &cmd, &[])?;
        // The same run again on unchanged ledgers: nothing to parse.
        let again = child("kaohe", &cmd, &[])?;
        // Month end: December's files new, every other file kept parsed by
        // the first run (into an empty output folder holding only those
        // kept parses, so every period is written).
        let end = month_end(&root, &args.workload, &ledgers, &out, &mut trash)?;
        let mut end_cmd = cmd.clone();
        end_cmd[1] = path_arg(&end.ledgers);
        let at = end_cmd.iter().position(|a| a == "--out").expect("--out") + 1;
        end_cmd[at] = path_arg(&end.out);
        let month_end_run = child("kaohe", &end_cmd, &[])?;
        trash.discard(&end.ledgers);
        trash.discard(&end.out);
        let rf = child("read-floor", &[path_arg(&ledgers)], &[])?;
        let floor_out = root.join(format!("floor-{}-{run}", args.workload));
        trash.discard(&floor_out);
        let wf = child("write-floor", &[path_arg(&out), path_arg(&floor_out)], &[])?;
        trash.discard(&floor_out);
        let rows = rf.value("rows").unwrap_or(0.0);
        let cells = rf.value("cells").unwrap_or(0.0);
        let books = wf.value("workbooks").unwrap_or(0.0);
        // The write floor's child first reads its samples (not timed).
        let wf_secs = wf.value("write-seconds").unwrap_or(wf.wall);
        let stage = |n: &str| k.value(n).unwrap_or(f64::NAN);
        println!(
            "kaohe       {:>8.2} s  peak {:>7.1} MiB  cpu {:>8.2} s",
            k.wall,
            k.rss_mib(),
            k.value("cpu").unwrap_or(f64::NAN)
        );
        for (name, _) in &k.values {
            if let Some(short) = name.strip_prefix("stage:") {
                println!("  {:<24} {:>8.2} s", short, stage(name));
            }
        }
        println!(
            "  input: {} files, {rows:.0} rows, {cells:.0} cells → {:.0} rows/s over the whole run",
            rf.value("files").unwrap_or(0.0),
            rows / k.wall
        );
        let write_s = stage("stage:write");
        println!(
            "  output: {books:.0} workbooks, {:.1} MB → {:.0} workbooks/s in the write stage",
            wf.value("kaohe-bytes").unwrap_or(0.0) / 1e6,
            books / write_s
        );
        println!(
            "read floor  {:>8.2} s  peak {:>7.1} MiB  cpu {:>8.2} s  ({:.0} rows/s)",
            rf.wall,
            rf.rss_mib(),
            rf.value("cpu").unwrap_or(f64::NAN),
            rows / rf.wall
        );
        println!(
            "write floor {:>8.2} s  peak {:>7.1} MiB  cpu {:>8.2} s  ({:.0} workbooks/s, {:.1} MB)",
            wf_secs,
            wf.rss_mib(),
            wf.value("write-cpu").unwrap_or(f64::NAN),
            books / wf_secs,
            wf.value("floor-bytes").unwrap_or(0.0) / 1e6
        );
        println!(
            "unchanged rerun {:>8.2} s  peak {:>7.1} MiB",
            again.wall,
            again.rss_mib()
        );
        println!(
            "month-end run   {:>8.2} s  peak {:>7.1} MiB  cpu {:>8.2} s  ({:.0} of {:.0} files read back, read+validate {:.2} s)",
            month_end_run.wall,
            month_end_run.rss_mib(),
            month_end_run.value("cpu").unwrap_or(f64::NAN),
            month_end_run.value("count:files-reused").unwrap_or(0.0),
            rf.value("files").unwrap_or(0.0),
            month_end_run.value("stage:read+validate").unwrap_or(f64::NAN),
        );
        let floor = rf.wall + wf_secs;
        let cpu = |c: &ChildRun, name: &str| c.value(name).unwrap_or(f64::NAN);
        let floor_cpu = cpu(&rf, "cpu") + cpu(&wf, "write-cpu");
        println!(
            "RESULT {} {run}: kaohe {:.2} s, floor {:.2} s (read {:.2} + write {:.2}), ratio {:.2}; \
             cpu kaohe {:.1} s, floor {:.1} s, ratio {:.2}; peak {:.0} MiB; unchanged rerun {:.2} s; \
             month-end run {:.2} s",
            args.workload,
            k.wall,
            floor,
            rf.wall,
            wf_secs,
            k.wall / floor,
            cpu(&k, "cpu"),
            floor_cpu,
            cpu(&k, "cpu") / floor_cpu,
            k.rss_mib(),
            again.wall,
            month_end_run.wall
        );
        if !args.keep {
            trash.discard(&out);
        }
    }
    trash.empty();
    Ok(())
}

/// Folders the benchmark is done with: moved aside, and removed only after
/// the last measured step. On a filesystem without a journal (ext4 mounted
/// so, as on some virtual machines) a file created within minutes of many
/// deletions in its inode group costs a scan past every recently deleted
/// inode, so a step run right after removing a year's outputs measured the
/// deletions more than itself (docs/performance.md, fourth round).
struct Trash {
    dir: PathBuf,
    moved: usize,
}

impl Trash {
    /// The trash of `root`, emptied of what an interrupted benchmark left.
    fn new(root: &Path) -> Trash {
        let t = Trash {
            dir: root.join("bench-trash"),
            moved: 0,
        };
        t.empty();
        t
    }

    /// Move `dir` (if it exists) into the trash: a rename, no deletion.
    fn discard(&mut self, dir: &Path) {
        if !dir.exists() {
            return;
        }
        let to = self.dir.join(self.moved.to_string());
        self.moved += 1;
        let moved = std::fs::create_dir_all(&self.dir).and_then(|()| std::fs::rename(dir, &to));
        if moved.is_err() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }

    fn empty(&self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

struct Args {
    workload: String,
    dir: PathBuf,
    runs: Vec<String>,
    jobs: Option<String>,
    keep: bool,
}

impl Args {
    fn parse() -> Result<Args> {
        let mut a = Args {
            workload: "sample".into(),
            dir: std::env::temp_dir().join("kaohe-bench"),
            runs: vec!["month".into(), "year".into()],
            jobs: None,
            keep: false,
        };
        let mut it = std::env::args().skip(1);
        while let Some(x) = it.next() {
            match x.as_str() {
                "--dir" => a.dir = it.next().context("--dir DIR")?.into(),
                "--runs" => {
                    a.runs = it
                        .next()
                        .context("--runs month,year")?
                        .split(',')
                        .map(str::to_string)
                        .collect()
                }
                "--jobs" => a.jobs = Some(it.next().context("--jobs N")?),
                "--keep" => a.keep = true,
                "sample" | "medium" | "large" | "xl" => a.workload = x,
                "-h" | "--help" => {
                    println!("bench [sample|medium|large|xl] [--dir DIR] [--runs month,year] [--jobs N] [--keep]");
                    std::process::exit(0);
                }
                _ => bail!("unknown argument {x}; try --help"),
            }
        }
        Ok(a)
    }
}

fn path_arg(p: &Path) -> String {
    p.to_string_lossy().into_owned()
}

/// The workload's ledger folder, generated once (a marker file says the
/// generation finished).
fn workload(name: &str, root: &Path) -> Result<PathBuf> {
    use kaohe::demo::{generate, DemoOptions, Scale};
    let scale = match name {
        "sample" => {
            return Ok(Path::new(env!("CARGO_MANIFEST_DIR")).join("samples/ledgers"));
        }
        "medium" => Scale::Medium,
        "xl" => Scale::Xl,
        _ => Scale::Large,
    };
    let dir = root.join(name);
    let done = dir.join(".generated");
    if !done.exists() {
        println!("generating the {name} workload into {} …", dir.display());
        let t = Instant::now();
        let s = generate(&dir, &DemoOptions::new(scale))?;
        std::fs::write(&done, format!("{} files\n", s.files))?;
        println!("  {} files in {:.1} s", s.files, t.elapsed().as_secs_f64());
    }
    Ok(dir)
}

/// The folders of a month-end run.
struct MonthEnd {
    ledgers: PathBuf,
    out: PathBuf,
}

/// A month-end run's folders: the workload's ledgers (linked, or copied
/// where linking fails) with the last month's files under new names, so
/// that they are new to the kept parses; and an output folder holding only
/// the kept parses of `out`'s run.
fn month_end(
    root: &Path,
    workload: &str,
    ledgers: &Path,
    out: &Path,
    trash: &mut Trash,
) -> Result<MonthEnd> {
    let link = |from: &Path, to: &Path| -> Result<()> {
        std::fs::create_dir_all(to.parent().context("a parent")?)?;
        if std::fs::hard_link(from, to).is_err() {
            std::fs::copy(from, to)?;
        }
        Ok(())
    };
    let end = MonthEnd {
        ledgers: root.join(format!("month-end-{workload}")),
        out: root.join(format!("out-{workload}-month-end")),
    };
    for d in [&end.ledgers, &end.out] {
        trash.discard(d);
    }
    let (files, _) = kaohe::input::read::discover(ledgers)?;
    let last = files.iter().filter_map(|f| f.as_of).max();
    for f in &files {
        let mut rel = PathBuf::from(&*f.rel);
        if f.as_of.is_some() && f.as_of == last {
            let stem = rel
                .file_stem()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            let ext = rel
                .extension()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            rel.set_file_name(format!("{stem}_new.{ext}"));
        }
        link(&f.path, &end.ledgers.join(rel))?;
    }
    let kept = out.join(".kaohe-cache");
    for e in std::fs::read_dir(&kept).with_context(|| format!("reading {}", kept.display()))? {
        let e = e?;
        link(&e.path(), &end.out.join(".kaohe-cache").join(e.file_name()))?;
    }
    Ok(end)
}

/// What a child process reported.
struct ChildRun {
    wall: f64,
    values: Vec<(String, f64)>,
}

impl ChildRun {
    fn value(&self, name: &str) -> Option<f64> {
        self.values.iter().find(|(n, _)| n == name).map(|(_, v)| *v)
    }
    fn rss_mib(&self) -> f64 {
        self.value("peak-rss").unwrap_or(0.0) / (1024.0 * 1024.0)
    }
}

/// Run this executable as a child doing `what`; collect its
/// `kaohe-timing`, `kaohe-peak-rss` and `bench-value` lines.
fn child(what: &str, args: &[String], env: &[(&str, &str)]) -> Result<ChildRun> {
    let exe = std::env::current_exe()?;
    let t = Instant::now();
    let mut cmd = Command::new(exe);
    cmd.args(args)
        .env(CHILD, what)
        .env("KAOHE_TIMINGS", "1")
        .stdout(std::process::Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output()?;
    let wall = t.elapsed().as_secs_f64();
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        bail!("{what} failed ({}):\n{stderr}", out.status);
    }
    let mut values = Vec::new();
    for line in stderr.lines() {
        let f: Vec<&str> = line.split_whitespace().collect();
        match f.as_slice() {
            ["kaohe-timing", name, v] => values.push((format!("stage:{name}"), v.parse()?)),
            ["kaohe-peak-rss", v] | ["bench-value", "peak-rss", v] => {
                values.push(("peak-rss".into(), v.parse()?))
            }
            ["kaohe-cpu-seconds", v] | ["bench-value", "cpu-seconds", v] => {
                values.push(("cpu".into(), v.parse()?))
            }
            ["kaohe-stage-peak", name, v] => values.push((format!("peak:{name}"), v.parse()?)),
            ["kaohe-count", name, v] => values.push((format!("count:{name}"), v.parse()?)),
            ["bench-value", name, v] => values.push((name.to_string(), v.parse()?)),
            _ => eprintln!("{line}"),
        }
    }
    Ok(ChildRun { wall, values })
}

/// Print a floor child's values and its peak memory.
fn child_report(values: Result<Vec<(&'static str, f64)>>) -> Result<()> {
    for (name, v) in values? {
        eprintln!("bench-value {name} {v}");
    }
    if let Some(b) = kaohe::timing::peak_rss() {
        eprintln!("bench-value peak-rss {b}");
    }
    if let Some(s) = kaohe::timing::cpu_seconds() {
        eprintln!("bench-value cpu-seconds {s:.2}");
    }
    Ok(())
}

/// The read floor: every ledger file read cell by cell with calamine's
/// streaming reader (xlsx; other formats through `worksheet_range`),
/// counting rows and cells, in parallel over files.
fn read_floor_child() -> Result<Vec<(&'static str, f64)>> {
    let dir = PathBuf::from(std::env::args().nth(1).context("ledger folder")?);
    let (files, _) = kaohe::input::read::discover(&dir)?;
    let counts: Vec<(u64, u64)> = files
        .par_iter()
        .map(|f| -> Result<(u64, u64)> {
            let bytes = std::fs::read(&f.path)?;
            let mut wb = Xlsx::new(std::io::Cursor::new(bytes))
                .with_context(|| format!("{}: only xlsx is read by the floor", f.rel))?;
            let names = wb.sheet_names();
            let (mut rows, mut cells) = (0u64, 0u64);
            for name in names {
                let mut r = wb.worksheet_cells_reader(&name)?;
                let mut last_row = None;
                while let Some(c) = r.next_cell()? {
                    if matches!(c.get_value(), calamine::DataRef::Empty) {
                        continue;
                    }
                    cells += 1;
                    if last_row != Some(c.get_position().0) {
                        last_row = Some(c.get_position().0);
                        rows += 1;
                    }
                }
            }
            Ok((rows, cells))
        })
        .collect::<Result<_>>()?;
    let rows = counts.iter().map(|c| c.0).sum::<u64>() as f64;
    let cells = counts.iter().map(|c| c.1).sum::<u64>() as f64;
    Ok(vec![
        ("files", files.len() as f64),
        ("rows", rows),
        ("cells", cells),
    ])
}

/// One sheet's cells, to be written again.
struct SheetCells {
    name: String,
    cells: Vec<(u32, u16, Data)>,
}

/// The write floor: as many workbooks as kaohe wrote into OUT, each a copy
/// of the cells of one of a sample of kaohe's workbooks of the same period
/// folder (up to 8 per folder, spread over the folder), written plainly.
fn write_floor_child() -> Result<Vec<(&'static str, f64)>> {
    let mut args = std::env::args().skip(1);
    let out = PathBuf::from(args.next().context("kaohe's output folder")?);
    let dest = PathBuf::from(args.next().context("floor output folder")?);
    // Per period folder: its workbooks (sorted) and a sample of their cells.
    let mut plan: Vec<(PathBuf, Vec<PathBuf>)> = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&out)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    let mut kaohe_bytes = 0u64;
    for d in dirs {
        let mut books: Vec<PathBuf> = std::fs::read_dir(&d)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
            .collect();
        books.sort();
        for b in &books {
            kaohe_bytes += std::fs::metadata(b)?.len();
        }
        if !books.is_empty() {
            plan.push((d, books));
        }
    }
    let samples: Vec<Vec<Vec<SheetCells>>> = plan
        .par_iter()
        .map(|(_, books)| {
            let step = (books.len() / 8).max(1);
            books
                .iter()
                .step_by(step)
                .take(8)
                .map(|p| read_cells(p))
                .collect::<Result<Vec<_>>>()
        })
        .collect::<Result<_>>()?;
    // Timed from here: the parent measures the whole child, so report the
    // writing time separately and let the parent use it.
    let t = Instant::now();
    let cpu0 = kaohe::timing::cpu_seconds().unwrap_or(0.0);
    let jobs: Vec<(usize, usize)> = plan
        .iter()
        .enumerate()
        .flat_map(|(pi, (_, books))| (0..books.len()).map(move |bi| (pi, bi)))
        .collect();
    let bytes: Vec<u64> = jobs
        .par_iter()
        .map(|&(pi, bi)| -> Result<u64> {
            let sample = &samples[pi][bi % samples[pi].len()];
            let mut wb = rust_xlsxwriter::Workbook::new();
            // Saved as kaohe saves: its compression level, no thread per
            // worksheet (the workbooks are saved in parallel already).
            wb.set_zip_compression_level(kaohe::output::xlsx::ZIP_LEVEL);
            wb.set_worksheet_threads(false);
            for s in sample {
                let ws = wb.add_worksheet();
                ws.set_name(&s.name)?;
                for (r, c, v) in &s.cells {
                    match v {
                        Data::String(t) => {
                            ws.write_string(*r, *c, t)?;
                        }
                        Data::Float(x) => {
                            ws.write_number(*r, *c, *x)?;
                        }
                        Data::Int(x) => {
                            ws.write_number(*r, *c, *x as f64)?;
                        }
                        Data::Bool(x) => {
                            ws.write_boolean(*r, *c, *x)?;
                        }
                        Data::DateTime(x) => {
                            ws.write_number(*r, *c, x.as_f64())?;
                        }
                        _ => {}
                    }
                }
            }
            let buf = wb.save_to_buffer()?;
            let dir = dest.join(plan[pi].0.file_name().unwrap_or_default());
            std::fs::create_dir_all(&dir)?;
            let path = dir.join(format!("{bi}.xlsx"));
            let tmp = dir.join(format!(".{bi}.xlsx.tmp"));
            std::fs::write(&tmp, &buf)?;
            std::fs::rename(&tmp, &path)?;
            Ok(buf.len() as u64)
        })
        .collect::<Result<_>>()?;
    let secs = t.elapsed().as_secs_f64();
    let cpu = kaohe::timing::cpu_seconds().unwrap_or(0.0) - cpu0;
    Ok(vec![
        ("workbooks", jobs.len() as f64),
        ("write-seconds", secs),
        ("write-cpu", cpu),
        ("kaohe-bytes", kaohe_bytes as f64),
        ("floor-bytes", bytes.iter().sum::<u64>() as f64),
    ])
}

fn read_cells(path: &Path) -> Result<Vec<SheetCells>> {
    let mut wb: Xlsx<_> = calamine::open_workbook(path)?;
    let mut out = Vec::new();
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name)?;
        let cells = range
            .used_cells()
            .filter(|(_, _, v)| !matches!(v, Data::Empty))
            .map(|(r, c, v)| {
                let (r0, c0) = range.start().unwrap_or((0, 0));
                ((r0 + r as u32), (c0 + c as u32) as u16, v.clone())
            })
            .collect();
        out.push(SheetCells { name, cells });
    }
    Ok(out)
}

/// CPU, cores, memory, OS and compiler, for the record.
fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_string())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|k| k.parse::<f64>().ok())
        })
        .map_or("?".into(), |k| format!("{:.1} GiB", k / 1024.0 / 1024.0));
    let os = std::fs::read_to_string("/etc/os-release")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("PRETTY_NAME="))
                .and_then(|l| l.strip_prefix("PRETTY_NAME="))
                .map(|v| v.trim_matches('"').to_string())
        })
        .unwrap_or_else(|| std::env::consts::OS.into());
    let rustc = Command::new("rustc")
        .arg("--version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    let load = std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    format!(
        "machine: {cpu}, {} cores, {mem} RAM, {os}, {rustc}; load average {load}",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    )
}
