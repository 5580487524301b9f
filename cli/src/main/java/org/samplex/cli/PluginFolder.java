package org.samplex.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.samplex.api.Plugins;

/**
 * Where the plug-in jars are: {@code --plugins DIR}, else the environment variable SAMPLEX_PLUGINS, else
 * {@code ~/.samplex/plugins}. A folder that was asked for (by the flag or the variable) must exist; the default one
 * may be absent, and then there are no plug-ins.
 *
 * @param path   the folder
 * @param source how it was chosen: "--plugins", "SAMPLEX_PLUGINS" or "default"
 */
record PluginFolder(Path path, String source) {

    static final String VARIABLE = "SAMPLEX_PLUGINS";

    /** The folder from the flag's value (null when not given) and the environment. */
    static PluginFolder of(Path flag, Map<String, String> environment) {
        if (flag != null) {
            return new PluginFolder(flag, "--plugins");
        }
        String variable = environment.get(VARIABLE);
        if (variable != null && !variable.isBlank()) {
            return new PluginFolder(Path.of(variable.strip()), VARIABLE);
        }
        return new PluginFolder(Path.of(System.getProperty("user.home"), ".samplex", "plugins"), "default");
    }

    /**
     * Loads the folder's plug-ins; bad jars become problems, never exceptions.
     *
     * @throws IllegalArgumentException when a folder that was asked for does not exist or is not a folder
     */
    Plugins load() {
        boolean asked = !source.equals("default");
        if (asked && !Files.isDirectory(path)) {
            throw new IllegalArgumentException(source + ": plug-in folder '" + path + "' "
                    + (Files.exists(path) ? "is not a folder" : "does not exist"));
        }
        return Plugins.load(path);
    }
}
