package org.samplex.experiment;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileStore;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Says why a file operation failed, in the words a user knows: which file, and the cause (not a directory,
 * permission denied, read-only file system, no space left on device, not UTF-8 text). Java's exceptions carry
 * the cause in their type ({@link AccessDeniedException}), in a reason ({@link FileSystemException#getReason()})
 * or only in the message ({@code IOException("No space left on device")}); a bare {@code AccessDeniedException}'s
 * message is just the path, which is what users saw before this class.
 */
public final class IoErrors {

    private IoErrors() {
    }

    /**
     * "WHAT: CAUSE" as an unchecked exception holding {@code e}, for library code that reports a failed file
     * operation (exit 1 in the cli).
     */
    public static UncheckedIOException unchecked(String what, IOException e) {
        return new UncheckedIOException(what + ": " + cause(e), e);
    }

    /**
     * The cause of {@code e}, naming the file when the exception knows it: "/tmp/x: permission denied",
     * "/tmp/out is a file, not a folder", "/data/runs: read-only file system", "no space left on device".
     */
    public static String cause(IOException e) {
        String file = e instanceof FileSystemException f ? f.getFile() : null;
        String about = file == null ? "" : file + ": ";
        return switch (e) {
            case AccessDeniedException a -> about + "permission denied";
            case NotDirectoryException n -> about + "not a directory";
            case DirectoryNotEmptyException d -> about + "folder not empty";
            case FileAlreadyExistsException x when file != null && Files.isRegularFile(Path.of(file)) ->
                    file + " is a file, not a folder";
            case FileAlreadyExistsException x -> about + "already exists";
            case NoSuchFileException n -> about + noSuchFile(file);
            case CharacterCodingException c -> about + "not UTF-8 text (a binary file?)";
            case FileSystemException f when f.getReason() != null -> about + lower(f.getReason());
            default -> e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName()
                    : lower(e.getMessage());
        };
    }

    /**
     * Why files cannot be created in {@code dir}, or null when nothing is wrong that can be seen without trying:
     * it is missing, is a file, lives on a read-only file system, is not writable, or its file system is full.
     */
    public static String whyNotWritable(Path dir) {
        if (!Files.exists(dir)) {
            return dir + ": no such folder";
        }
        if (!Files.isDirectory(dir)) {
            return dir + " is a file, not a folder";
        }
        try {
            FileStore store = Files.getFileStore(dir);
            if (store.isReadOnly()) {
                return dir + ": read-only file system";
            }
            if (!Files.isWritable(dir)) {
                return dir + ": permission denied";
            }
            if (store.getUsableSpace() == 0) {
                return dir + ": no space left on device";
            }
        } catch (IOException e) {
            return cause(e);
        }
        return null;
    }

    /** ENOENT: a parent is missing, or (mkdir in /proc) the file system does not take new entries there. */
    private static String noSuchFile(String file) {
        Path parent = file == null ? null : Path.of(file).toAbsolutePath().getParent();
        if (parent != null && Files.isDirectory(parent)) {
            return "cannot be created in " + parent + " (the file system refuses it)";
        }
        return "no such file or folder";
    }

    /** "Read-only file system" as "read-only file system"; a message that starts with a path stays as it is. */
    private static String lower(String reason) {
        if (reason.length() > 1 && Character.isUpperCase(reason.charAt(0)) && Character.isLowerCase(reason.charAt(1))) {
            return reason.substring(0, 1).toLowerCase(Locale.ROOT) + reason.substring(1);
        }
        return reason;
    }
}
