//! Stopping a render that runs too long. Tera cannot be interrupted, so a render checks a
//! shared flag wherever it calls back into renkei: on each write of the body and on each
//! call of `range`, which renkei supplies in place of Tera's own. A loop whose length the
//! template and its context do not bound either writes or iterates a `range`, so once the
//! flag is set, the render fails at its next step and its thread ends.

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// The longest list `range` makes, so one call cannot fill memory.
const MAX_RANGE_LEN: i64 = 100_000;

/// A handle that cancels every render of the templates it came from.
#[derive(Debug, Clone, Default)]
pub struct Canceller(Arc<AtomicBool>);

impl Canceller {
    /// Cancels the renders in progress and every later one.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// Whether [`Canceller::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    fn check(&self) -> io::Result<()> {
        if self.is_cancelled() {
            Err(io::Error::other("rendering was cancelled"))
        } else {
            Ok(())
        }
    }

    /// Tera's `range(end, start = 0, step_by = 1)`, checking for cancellation first.
    pub(crate) fn range_function(
        &self,
    ) -> impl Fn(tera::Kwargs, &tera::State) -> tera::TeraResult<Vec<i64>> + Send + Sync + 'static
    {
        let canceller = self.clone();
        move |kwargs, _| {
            canceller.check().map_err(tera::Error::message)?;
            let start = kwargs.get::<i64>("start")?.unwrap_or(0);
            let end = kwargs.must_get::<i64>("end")?;
            let step = kwargs.get::<i64>("step_by")?.unwrap_or(1);
            if step == 0 {
                return Err(tera::Error::message(
                    "`range` needs a `step_by` other than 0",
                ));
            }
            let span = i128::from(end) - i128::from(start);
            let step_wide = i128::from(step);
            let len = if (span > 0) == (step > 0) && span != 0 {
                (span.abs() + step_wide.abs() - 1) / step_wide.abs()
            } else {
                0
            };
            if len > i128::from(MAX_RANGE_LEN) {
                return Err(tera::Error::message(format!(
                    "`range` would make {len} numbers; at most {MAX_RANGE_LEN} are allowed"
                )));
            }
            Ok((0..len as i64).map(|i| start + i * step).collect())
        }
    }

    /// A writer into `out` that fails once the render is cancelled.
    pub(crate) fn writer<'a>(&'a self, out: &'a mut Vec<u8>) -> impl Write + 'a {
        CheckedWriter {
            out,
            canceller: self,
        }
    }
}

struct CheckedWriter<'a> {
    out: &'a mut Vec<u8>,
    canceller: &'a Canceller,
}

impl Write for CheckedWriter<'_> {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.canceller.check()?;
        self.out.extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::sync::Arc;
    use std::time::{Duration, Instant};

    use renkei_model::{FileSource, Overlay, Walk};

    use crate::{AssembleError, Templates, render_skill};

    /// A tree in memory whose one archetype renders through `template`.
    fn tree(template: &str) -> Walk {
        let root = Path::new("/cancel-test");
        let mut overlay = Overlay::default();
        overlay.insert(
            root.join("framework/archetypes/execution/looping/archetype.yaml"),
            "name: looping\ndescription: Renders through a template that loops.\n",
        );
        overlay.insert(root.join("templates/skill.md.tera"), template.to_string());
        let source: Arc<dyn FileSource> = Arc::new(overlay);
        Walk::new(source, root)
    }

    fn render(walk: &Walk, templates: &Templates) -> Result<crate::Skill, AssembleError> {
        let dir = walk.archetype_dirs().next().unwrap().unwrap();
        let archetype = renkei_model::load::load_archetype(walk, &dir).unwrap();
        render_skill(&archetype, templates, &crate::Siblings::unknown())
    }

    #[test]
    fn a_cancelled_render_of_a_loop_without_output_ends() {
        let walk = tree(
            "{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}",
        );
        let templates = Templates::load(&walk).unwrap();
        let canceller = templates.canceller();
        let started = Instant::now();
        std::thread::scope(|scope| {
            let rendering = scope.spawn(|| render(&walk, &templates));
            std::thread::sleep(Duration::from_millis(200));
            canceller.cancel();
            let result = rendering.join().unwrap();
            assert!(
                matches!(result, Err(AssembleError::Cancelled { ref archetype }) if archetype == "looping"),
                "{result:?}"
            );
        });
        // Uncancelled, the loop runs for minutes.
        assert!(started.elapsed() < Duration::from_secs(30));
    }

    #[test]
    fn range_counts_as_tera_does_and_an_uncancelled_render_is_whole() {
        let walk = tree(
            "{{ range(end=3) | join(sep=',') }} {{ range(start=2, end=9, step_by=3) | join(sep=',') }} {{ range(start=5, end=0, step_by=-2) | join(sep=',') }} [{{ range(start=4, end=4) | join(sep=',') }}]\n",
        );
        let templates = Templates::load(&walk).unwrap();
        let skill = render(&walk, &templates).unwrap();
        let text = String::from_utf8(skill.files[0].bytes.to_vec()).unwrap();
        assert!(text.ends_with("0,1,2 2,5,8 5,3,1 []\n"), "{text}");
        let too_long = tree("{{ range(end=100001) | length }}");
        let templates = Templates::load(&too_long).unwrap();
        assert!(matches!(
            render(&too_long, &templates),
            Err(AssembleError::Template { .. })
        ));
    }
}
