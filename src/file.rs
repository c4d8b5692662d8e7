//! Reading a configuration file whole, within a size limit: a profile, a BIN table, a CA
//! certificate. Only regular files are read, and never more than the limit plus one byte,
//! so a path that names `/dev/zero`, a FIFO, a directory or a huge file is an error, not a
//! hang or an exhausted memory.
//!
//! ```
//! use bindcheck::file::{read_text, FileError};
//!
//! let dir = std::env::temp_dir();
//! assert!(matches!(read_text(&dir, 1024), Err(FileError::NotRegular { .. })));
//! ```

use std::fmt;
use std::fs::{File, FileType};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// A file that could not be read whole. Messages name the path and the reason, never the
/// file's contents.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FileError {
    /// The file could not be found or opened.
    #[error("cannot open {}", path.display())]
    Open {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// Not a regular file: a directory, a device, a FIFO, a socket.
    #[error("{} is {kind}, not a regular file", path.display())]
    NotRegular { path: PathBuf, kind: FileKind },
    /// Larger than the limit (by its size, or by what reading it gave).
    #[error("{} is larger than {limit} bytes, the limit for this file", path.display())]
    TooLarge { path: PathBuf, limit: u64 },
    /// Opened, but reading it failed.
    #[error("cannot read {}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    /// Read, but not UTF-8 text.
    #[error("{} is not UTF-8 text", path.display())]
    NotUtf8 { path: PathBuf },
}

impl FileError {
    /// The path the error is about.
    pub fn path(&self) -> &Path {
        match self {
            FileError::Open { path, .. }
            | FileError::NotRegular { path, .. }
            | FileError::TooLarge { path, .. }
            | FileError::Read { path, .. }
            | FileError::NotUtf8 { path } => path,
        }
    }
}

impl FileError {
    /// What went wrong, in Simplified Chinese; as in English, the operating system's reason
    /// is the error's source ([`io_zh`] says it in Chinese).
    pub fn zh(&self) -> String {
        match self {
            FileError::Open { path, .. } => format!("无法打开 {}", path.display()),
            FileError::NotRegular { path, kind } => format!("{} 是{}，不是普通文件", path.display(), kind.zh()),
            FileError::TooLarge { path, limit } => {
                format!("{} 超过 {limit} 字节，这是此类文件的上限", path.display())
            }
            FileError::Read { path, .. } => format!("无法读取 {}", path.display()),
            FileError::NotUtf8 { path } => format!("{} 不是 UTF-8 文本", path.display()),
        }
    }
}

/// An operating system error in Simplified Chinese: its kind in words, and the system's
/// error number when there is one (the system's own text is English).
pub fn io_zh(e: &io::Error) -> String {
    use io::ErrorKind as K;
    let said = match e.kind() {
        K::NotFound => "找不到文件或目录",
        K::PermissionDenied => "没有权限",
        K::AlreadyExists => "已经存在",
        K::IsADirectory => "这是一个目录",
        K::NotADirectory => "路径中有一部分不是目录",
        K::InvalidInput | K::InvalidData => "数据无效",
        K::UnexpectedEof => "数据意外结束",
        K::Interrupted => "操作被中断",
        K::OutOfMemory => "内存不足",
        K::StorageFull => "磁盘已满",
        K::ReadOnlyFilesystem => "文件系统是只读的",
        K::BrokenPipe => "管道已断开",
        K::TimedOut => "操作超时",
        K::ConnectionRefused => "连接被拒绝",
        K::ConnectionReset => "连接被重置",
        K::AddrInUse => "地址已被占用",
        K::AddrNotAvailable => "地址不可用",
        K::WouldBlock => "操作会阻塞",
        K::Unsupported => "不支持此操作",
        _ => "系统错误",
    };
    match e.raw_os_error() {
        Some(code) => format!("{said}（系统错误码 {code}）"),
        None => said.to_owned(),
    }
}

/// What a path names when it is not a regular file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileKind {
    Directory,
    /// A character device, such as `/dev/zero` or a terminal.
    CharDevice,
    BlockDevice,
    /// A named pipe (FIFO).
    Fifo,
    Socket,
    /// Anything else this platform has.
    Other,
}

impl FileKind {
    fn of(t: FileType) -> FileKind {
        if t.is_dir() {
            return FileKind::Directory;
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::FileTypeExt;
            if t.is_char_device() {
                return FileKind::CharDevice;
            }
            if t.is_block_device() {
                return FileKind::BlockDevice;
            }
            if t.is_fifo() {
                return FileKind::Fifo;
            }
            if t.is_socket() {
                return FileKind::Socket;
            }
        }
        FileKind::Other
    }
}

impl FileKind {
    /// The kind in Simplified Chinese, to follow `是`.
    pub fn zh(self) -> &'static str {
        match self {
            FileKind::Directory => "目录",
            FileKind::CharDevice => "字符设备",
            FileKind::BlockDevice => "块设备",
            FileKind::Fifo => "命名管道（FIFO）",
            FileKind::Socket => "套接字",
            FileKind::Other => "特殊文件",
        }
    }
}

impl fmt::Display for FileKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            FileKind::Directory => "a directory",
            FileKind::CharDevice => "a character device",
            FileKind::BlockDevice => "a block device",
            FileKind::Fifo => "a named pipe (FIFO)",
            FileKind::Socket => "a socket",
            FileKind::Other => "not a file",
        })
    }
}

/// The bytes of the regular file at `path`, at most `limit` of them.
///
/// The path is checked before it is opened (opening a FIFO would wait for a writer), and
/// the open file again (the path may have changed in between); then at most `limit + 1`
/// bytes are read, so a file that grows, or reports no size (`/proc`), is still bounded.
pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let open = |source| FileError::Open {
        path: path.to_owned(),
        source,
    };
    let read = |source| FileError::Read {
        path: path.to_owned(),
        source,
    };
    let regular = |meta: std::fs::Metadata| {
        if !meta.is_file() {
            return Err(FileError::NotRegular {
                path: path.to_owned(),
                kind: FileKind::of(meta.file_type()),
            });
        }
        if meta.len() > limit {
            return Err(FileError::TooLarge {
                path: path.to_owned(),
                limit,
            });
        }
        Ok(meta.len())
    };
    regular(std::fs::metadata(path).map_err(open)?)?;
    let file = File::open(path).map_err(open)?;
    let len = regular(file.metadata().map_err(read)?)?;
    // `len` is at most `limit`: the buffer is never larger than what the caller allows.
    let mut bytes = Vec::with_capacity(usize::try_from(len).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(read)?;
    if bytes.len() as u64 > limit {
        return Err(FileError::TooLarge {
            path: path.to_owned(),
            limit,
        });
    }
    Ok(bytes)
}

/// The text of the regular file at `path`, at most `limit` bytes of UTF-8.
pub fn read_text(path: &Path, limit: u64) -> Result<String, FileError> {
    String::from_utf8(read_bytes(path, limit)?).map_err(|_| FileError::NotUtf8 { path: path.to_owned() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn file_of(bytes: &[u8]) -> tempfile::NamedTempFile {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(bytes).unwrap();
        f
    }

    #[test]
    fn a_file_up_to_the_limit_is_read_whole() {
        let f = file_of(b"0123456789");
        assert_eq!(read_bytes(f.path(), 10).unwrap(), b"0123456789");
        assert_eq!(read_text(f.path(), 100).unwrap(), "0123456789");
        assert_eq!(read_text(file_of(b"").path(), 0).unwrap(), "");
    }

    #[test]
    fn a_file_over_the_limit_is_refused_without_its_contents() {
        let f = file_of(b"6222021234567890128");
        let e = read_bytes(f.path(), 18).unwrap_err();
        assert!(matches!(e, FileError::TooLarge { limit: 18, .. }), "{e:?}");
        let message = e.to_string();
        assert!(message.contains(&f.path().display().to_string()), "{message}");
        assert!(message.contains("larger than 18 bytes"), "{message}");
        assert!(!message.contains("6222"), "{message}");
    }

    #[test]
    fn what_is_not_a_regular_file_is_refused_by_kind() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_bytes(dir.path(), 1 << 20).unwrap_err();
        assert!(
            matches!(
                e,
                FileError::NotRegular {
                    kind: FileKind::Directory,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(e.to_string().ends_with("is a directory, not a regular file"), "{e}");
        assert_eq!(e.path(), dir.path());
    }

    #[cfg(unix)]
    #[test]
    fn devices_and_fifos_are_refused_without_reading_or_waiting() {
        let e = read_bytes(Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert!(
            matches!(
                e,
                FileError::NotRegular {
                    kind: FileKind::CharDevice,
                    ..
                }
            ),
            "{e:?}"
        );
        assert_eq!(e.to_string(), "/dev/zero is a character device, not a regular file");
        // Opening a FIFO for reading blocks until a writer comes: the path is checked first.
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let e = read_bytes(&fifo, 1 << 20).unwrap_err();
        assert!(
            matches!(
                e,
                FileError::NotRegular {
                    kind: FileKind::Fifo,
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_file_that_reports_no_size_is_still_cut_at_the_limit() {
        // /proc files say they are empty and are not.
        let path = Path::new("/proc/self/maps");
        assert_eq!(std::fs::metadata(path).unwrap().len(), 0);
        let e = read_bytes(path, 16).unwrap_err();
        assert!(matches!(e, FileError::TooLarge { limit: 16, .. }), "{e:?}");
    }

    #[test]
    fn missing_and_binary_files_say_so() {
        let e = read_bytes(Path::new("/nonexistent/bindcheck.toml"), 10).unwrap_err();
        assert!(matches!(&e, FileError::Open { source, .. } if source.kind() == io::ErrorKind::NotFound));
        assert_eq!(e.to_string(), "cannot open /nonexistent/bindcheck.toml");
        let f = file_of(&[0xff, 0xfe, b'a']);
        let e = read_text(f.path(), 10).unwrap_err();
        assert!(matches!(e, FileError::NotUtf8 { .. }), "{e:?}");
    }
}
