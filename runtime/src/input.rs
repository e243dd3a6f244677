//! The player's input as the host feeds it: named actions (held, pressed, released), axes and
//! the pointer, delivered to scripts' `input` namespace once per frame, and input tracks that
//! replay the same inputs frame by frame (`crescent run --input FILE`).
//!
//! The host writes an [`Input`] between frames (from its window's events or from a track);
//! [`Runtime::frame`](crate::Runtime::frame) hands scripts a snapshot of it, so every phase
//! of a frame sees the same input, and the same inputs on the same frames give the same world.
//! Nothing is sent to Lua on a frame where nothing changed.

use crate::Error;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The input the host feeds scripts: `input.held`, `input.pressed`, `input.released`,
/// `input.axis` and `input.pointer` read it.
///
/// ```
/// let mut input = crescent_runtime::Input::default();
/// input.press("jump");
/// input.set_axis("move_x", -1.0);
/// assert!(input.held("jump"));
/// input.release("jump");
/// assert!(!input.held("jump")); // scripts still see `pressed` and `released` next frame
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Input {
    held: BTreeSet<String>,
    /// Actions that went down since the last frame, kept if they went up again before it (a
    /// tap shorter than a frame is still seen as pressed).
    went_down: BTreeSet<String>,
    went_up: BTreeSet<String>,
    axes: BTreeMap<String, f64>,
    pointer: (f64, f64),
    /// Something changed since the last snapshot scripts got.
    changed: bool,
    /// The last snapshot had presses or releases, which the next one must clear.
    edges_delivered: bool,
}

/// What scripts see for one frame.
pub(crate) struct Snapshot<'a> {
    pub held: &'a BTreeSet<String>,
    pub pressed: &'a BTreeSet<String>,
    pub released: &'a BTreeSet<String>,
    pub axes: &'a BTreeMap<String, f64>,
    pub pointer: (f64, f64),
}

impl Input {
    /// The action goes down (a key or button pressed); nothing if it is already down.
    pub fn press(&mut self, action: &str) {
        if self.held.insert(action.to_owned()) {
            self.went_down.insert(action.to_owned());
            self.changed = true;
        }
    }

    /// The action goes up; nothing if it is not down.
    pub fn release(&mut self, action: &str) {
        if self.held.remove(action) {
            self.went_up.insert(action.to_owned());
            self.changed = true;
        }
    }

    /// [`press`](Self::press) when `down`, else [`release`](Self::release): for hosts that
    /// poll their keys' states each frame.
    pub fn set_action(&mut self, action: &str, down: bool) {
        if down {
            self.press(action)
        } else {
            self.release(action)
        }
    }

    /// Releases every action (the window lost focus, say).
    pub fn release_all(&mut self) {
        let held: Vec<String> = self.held.iter().cloned().collect();
        for action in held {
            self.release(&action);
        }
    }

    /// Sets an axis; a value that is not finite counts as 0.
    pub fn set_axis(&mut self, axis: &str, value: f64) {
        let value = if value.is_finite() { value } else { 0.0 };
        if self.axes.get(axis) != Some(&value) {
            self.axes.insert(axis.to_owned(), value);
            self.changed = true;
        }
    }

    /// Sets the pointer's position, in whatever units the host and its scripts agree on
    /// (window pixels, world units); values that are not finite count as 0.
    pub fn set_pointer(&mut self, x: f64, y: f64) {
        let finite = |v: f64| if v.is_finite() { v } else { 0.0 };
        let p = (finite(x), finite(y));
        if self.pointer != p {
            self.pointer = p;
            self.changed = true;
        }
    }

    /// Whether the action is down now.
    pub fn held(&self, action: &str) -> bool {
        self.held.contains(action)
    }

    /// The axis's value (0 when never set).
    pub fn axis(&self, axis: &str) -> f64 {
        self.axes.get(axis).copied().unwrap_or(0.0)
    }

    /// The pointer's position.
    pub fn pointer(&self) -> (f64, f64) {
        self.pointer
    }

    /// The snapshot for the next frame, or None when scripts already have it; `done` must
    /// be called once it is delivered.
    pub(crate) fn snapshot(&self) -> Option<Snapshot<'_>> {
        (self.changed || self.edges_delivered).then_some(Snapshot {
            held: &self.held,
            pressed: &self.went_down,
            released: &self.went_up,
            axes: &self.axes,
            pointer: self.pointer,
        })
    }

    /// Scripts have the snapshot: presses and releases are over.
    pub(crate) fn delivered(&mut self) {
        self.edges_delivered = !self.went_down.is_empty() || !self.went_up.is_empty();
        self.went_down.clear();
        self.went_up.clear();
        self.changed = false;
    }
}

/// One step of an [`InputTrack`]: what changes before frame `frame` (0 is the first frame).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputStep {
    /// The frame the changes come before, counting from 0.
    pub frame: u64,
    /// Actions that go down (applied after `release`, so one step can re-press).
    #[serde(default)]
    pub press: Vec<String>,
    /// Actions that go up.
    #[serde(default)]
    pub release: Vec<String>,
    /// Axes set to a value.
    #[serde(default)]
    pub axes: BTreeMap<String, f64>,
    /// The pointer's new position.
    #[serde(default)]
    pub pointer: Option<[f64; 2]>,
}

/// Inputs to replay, frame by frame: a JSON array of steps such as
/// `{"frame": 30, "press": ["jump"], "axes": {"move_x": 1}, "pointer": [120, 80]}`, in frame
/// order. Running the same project with the same track gives the same world hash.
///
/// ```
/// use crescent_runtime::{Input, InputTrack};
/// let track = InputTrack::parse(
///     r#"[{"frame": 0, "press": ["jump"]}, {"frame": 3, "release": ["jump"]}]"#,
///     "track.json".as_ref(),
/// )?;
/// let mut input = Input::default();
/// for frame in 0..5 {
///     track.apply(frame, &mut input); // then runtime.frame(dt), with input as runtime.input_mut()
///     assert_eq!(input.held("jump"), frame < 3);
/// }
/// # Ok::<(), crescent_runtime::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InputTrack {
    steps: Vec<InputStep>,
}

impl InputTrack {
    /// Reads a track; errors name the file, and the line and column of bad JSON or the step
    /// out of order.
    pub fn load(path: &Path) -> Result<Self, Error> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Io {
            path: path.to_path_buf(),
            message: e.to_string(),
        })?;
        Self::parse(&text, path)
    }

    /// Parses a track from JSON text; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Self, Error> {
        let error = |line: usize, column: usize, message: String| Error::Input {
            path: path.to_path_buf(),
            line: line as u32,
            column: column as u32,
            message,
        };
        let steps: Vec<InputStep> =
            serde_json::from_str(text).map_err(|e| error(e.line(), e.column(), e.to_string()))?;
        for (i, pair) in steps.windows(2).enumerate() {
            if pair[1].frame < pair[0].frame {
                let message = format!(
                    "step {} (frame {}) comes after step {} (frame {}): steps must be in frame order",
                    i + 2,
                    pair[1].frame,
                    i + 1,
                    pair[0].frame
                );
                return Err(error(0, 0, message));
            }
        }
        Ok(Self { steps })
    }

    /// Applies the steps of frame `frame` to `input`.
    pub fn apply(&self, frame: u64, input: &mut Input) {
        let start = self.steps.partition_point(|s| s.frame < frame);
        for step in self.steps[start..].iter().take_while(|s| s.frame == frame) {
            for a in &step.release {
                input.release(a);
            }
            for a in &step.press {
                input.press(a);
            }
            for (axis, v) in &step.axes {
                input.set_axis(axis, *v);
            }
            if let Some([x, y]) = step.pointer {
                input.set_pointer(x, y);
            }
        }
    }

    /// The steps, in frame order.
    pub fn steps(&self) -> &[InputStep] {
        &self.steps
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tap_between_two_frames_is_pressed_and_released() {
        let mut input = Input::default();
        input.press("jump");
        input.release("jump");
        let s = input.snapshot().expect("changed");
        assert!(s.held.is_empty());
        assert!(s.pressed.contains("jump") && s.released.contains("jump"));
        input.delivered();
        // The next frame clears the edges; the one after has nothing to send.
        let s = input.snapshot().expect("edges to clear");
        assert!(s.pressed.is_empty() && s.released.is_empty());
        input.delivered();
        assert!(input.snapshot().is_none());
    }

    #[test]
    fn unchanged_values_send_nothing() {
        let mut input = Input::default();
        input.set_axis("x", 0.5);
        input.delivered();
        input.set_axis("x", 0.5);
        input.release("never-pressed");
        input.set_pointer(0.0, 0.0);
        assert!(input.snapshot().is_none());
        input.set_axis("x", f64::NAN);
        assert_eq!(input.axis("x"), 0.0);
    }

    #[test]
    fn a_track_applies_its_frames_steps() {
        let track = InputTrack::parse(
            r#"[{"frame": 0, "press": ["a"]}, {"frame": 2, "release": ["a"], "axes": {"x": 1}},
                {"frame": 2, "pointer": [3, 4]}]"#,
            Path::new("t.json"),
        )
        .expect("parses");
        let mut input = Input::default();
        track.apply(0, &mut input);
        assert!(input.held("a"));
        track.apply(1, &mut input);
        assert!(input.held("a"));
        track.apply(2, &mut input);
        assert!(!input.held("a"));
        assert_eq!((input.axis("x"), input.pointer()), (1.0, (3.0, 4.0)));
    }

    #[test]
    fn a_bad_track_says_where() {
        let path = Path::new("t.json");
        let e = InputTrack::parse(r#"[{"frame": 0, "presss": ["a"]}]"#, path).unwrap_err();
        let e = e.to_string();
        assert!(e.starts_with("t.json:1:"), "{e}");
        assert!(e.contains("presss"), "{e}");
        let e = InputTrack::parse(r#"[{"frame": 5}, {"frame": 2}]"#, path).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.json: step 2 (frame 2) comes after step 1 (frame 5): steps must be in frame order"
        );
    }
}
