// A reader that fails once its bytes are used up, as a disk or a pipe can: one copy for
// the library's and the command's unit tests (each `include!`s this file).

use std::io;

/// A reader of these bytes, then of an error.
pub struct Failing<'a>(pub &'a [u8]);

impl io::Read for Failing<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.0.is_empty() {
            return Err(io::Error::other("the disk went away"));
        }
        let n = self.0.len().min(buf.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}
