package org.mudsc4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * How the CLI reports failures: one line {@code mudsc: <message>} on stderr, exit code {@value #BAD_INPUT} for bad
 * input (a wrong option, file, model or dataset: something the user can fix) and {@value #FAILURE} for anything
 * else. The stack trace goes to the log at DEBUG, and to stderr with {@code --verbose}.
 */
final class CliErrors implements CommandLine.IExecutionExceptionHandler, CommandLine.IParameterExceptionHandler {
    static final int BAD_INPUT = 2;
    static final int FAILURE = 1;
    static final String VERBOSE = "--verbose";
    private static final Logger LOG = LoggerFactory.getLogger(CliErrors.class);

    /** Installs both handlers on a command tree. */
    static CommandLine install(CommandLine cl) {
        CliErrors handler = new CliErrors();
        return cl.setExecutionExceptionHandler(handler).setParameterExceptionHandler(handler);
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cl, ParseResult parsed) {
        boolean bad = isBadInput(ex);
        String message = message(ex);
        PrintWriter err = cl.getErr();
        err.println("mudsc: " + (bad ? "" : "failed (" + ex.getClass().getSimpleName() + "): ") + message);
        LOG.debug("{} failed", cl.getCommandName(), ex);
        if (verbose(parsed)) {
            ex.printStackTrace(err);
        } else if (!bad) {
            err.println("mudsc: rerun with " + VERBOSE + " for the stack trace");
        }
        err.flush();
        return bad ? BAD_INPUT : FAILURE;
    }

    @Override
    public int handleParseException(CommandLine.ParameterException ex, String[] args) {
        CommandLine cl = ex.getCommandLine();
        PrintWriter err = cl.getErr();
        err.println("mudsc: " + ex.getMessage());
        String path = cl.getCommandSpec().qualifiedName();
        err.println("mudsc: see '" + path + " --help'");
        err.flush();
        return BAD_INPUT;
    }

    /** Errors whose cause is the input: an argument, a file, a model or a dataset the user gave. */
    static boolean isBadInput(Throwable ex) {
        return ex instanceof IllegalArgumentException || ex instanceof IOException
                || ex instanceof CommandLine.ParameterException;
    }

    /** The exception's message, with the file named where Java's own file errors give only the path. */
    static String message(Throwable ex) {
        if (ex instanceof NoSuchFileException e) {
            return e.getFile() + ": no such file" + (e.getReason() == null ? "" : " (" + e.getReason() + ")");
        }
        if (ex instanceof AccessDeniedException e) {
            return e.getFile() + ": permission denied (is the folder writable?)";
        }
        if (ex instanceof FileAlreadyExistsException e) {
            return e.getFile() + " already exists";
        }
        if (ex instanceof FileSystemException e && e.getReason() != null) {
            return e.getFile() + ": " + e.getReason();
        }
        String m = ex.getMessage();
        if (m == null || m.isBlank()) {
            return ex.getCause() != null ? message(ex.getCause()) : ex.getClass().getSimpleName();
        }
        return m;
    }

    private static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption(VERBOSE)) {
                return true;
            }
        }
        return false;
    }
}
