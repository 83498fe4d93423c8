package org.mudsc4j.util;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write that fails half-way (a full disk) leaves the earlier file as it was and no temporary file behind. */
class AtomicFilesTest {
    @Test
    void aFailedWriteKeepsTheEarlierFileAndLeavesNoTemporary(@TempDir Path dir) throws IOException {
        Path target = dir.resolve("result.json");
        AtomicFiles.writeString(target, "earlier result");
        IOException full = assertThrows(IOException.class, () -> AtomicFiles.write(target, out -> {
            out.write("half of the new ".getBytes());
            throw new IOException("No space left on device");
        }));
        assertEquals("No space left on device", full.getMessage());
        assertEquals("earlier result", Files.readString(target));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count(), "a temporary file was left behind");
        }
        AtomicFiles.writeString(target, "new result");
        assertEquals("new result", Files.readString(target));
    }

    @Test
    void unwritableTargetsAreRefusedBeforeAnyWork(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        IOException e = assertThrows(IOException.class,
                () -> AtomicFiles.requireWritable(file.resolve("sub/out.zip")));
        assertTrue(e.getMessage().contains("plain-file is a file, not a folder"), e.getMessage());
        assertThrows(IOException.class, () -> AtomicFiles.requireWritable(dir));
        AtomicFiles.requireWritable(dir.resolve("new/folder/out.zip"));
        assertFalse(Files.exists(dir.resolve("new")), "the check must create nothing");
    }
}
