//! Progress of a long command (an export, an import, a demo journal) on the
//! terminal, by `indicatif`: on standard error, and only when that is a
//! terminal, so it never mixes into `--json` output or a log.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar that clears itself when dropped, however the command ends.
pub struct Progress(ProgressBar);

impl Progress {
    /// A bar labelled `what` ("importing"), counting `unit`s ("changes").
    pub fn new(what: &'static str, unit: &'static str) -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        let template = format!("{{msg}} {{wide_bar}} {{human_pos}}/{{human_len}} {unit}");
        bar.set_style(ProgressStyle::with_template(&template).unwrap_or_else(|_| ProgressStyle::default_bar()));
        bar.set_message(what);
        Progress(bar)
    }

    /// A bar labelled `what` ("importing") over the bytes of a file.
    pub fn bytes(what: &'static str) -> Progress {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        let template = "{msg} {wide_bar} {bytes}/{total_bytes}";
        bar.set_style(ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar()));
        bar.set_message(what);
        Progress(bar)
    }

    /// What the core's progress callbacks are given: (done, total).
    pub fn update(&self) -> impl FnMut(u64, u64) + '_ {
        |done, total| {
            if self.0.length() != Some(total) {
                self.0.set_length(total);
            }
            self.0.set_position(done);
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.0.finish_and_clear();
    }
}
