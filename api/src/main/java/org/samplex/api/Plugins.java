package org.samplex.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plug-in jars loaded from a folder, each into a module layer of its own whose parent is the layer of this api
 * module (the boot layer when samplex runs on the module path), so the api and everything else on the module
 * path, JavaCPP included, are loaded once and shared. {@link Services#discover(Plugins)} then finds each layer's
 * providers.
 *
 * <p>A plug-in is one jar that is a named module (a {@code module-info.class}, or an {@code Automatic-Module-Name}
 * in its manifest) and says which samplex api it was built against: the manifest attribute
 * {@value #API_VERSION_ATTRIBUTE}, or else the version of {@code org.samplex.api} that javac recorded in its
 * module descriptor's {@code requires}. The versions are compatible when {@link #compatible} says so. Every other
 * jar in the folder, one that cannot be read, or one whose module cannot be resolved against the parent layer is
 * skipped and told in {@link #problems()}, one line each naming the jar and the reason; loading never throws for a
 * bad jar and never loads its classes beyond what resolving the module needs.
 *
 * <p>The jars are taken in file-name order; a module name already in a parent layer or in an earlier jar is
 * refused, so a plug-in never shadows a module of samplex or another plug-in.
 */
public final class Plugins {

    /** The manifest attribute naming the samplex api version a plug-in was built against, for example 0.1.0. */
    public static final String API_VERSION_ATTRIBUTE = "Samplex-Api-Version";

    private static final String API_MODULE = "org.samplex.api";
    private static final Pattern MAJOR_MINOR = Pattern.compile("(\\d+)\\.(\\d+)(?:[.\\-+].*)?");

    /**
     * A plug-in jar that was loaded.
     *
     * @param jar        the jar file
     * @param module     its module's name
     * @param version    its module's version, or "unversioned"
     * @param apiVersion the samplex api version it declares it was built against
     * @param sha256     the jar's SHA-256, lower-case hex, for provenance
     * @param layer      the module layer holding it (its only module)
     */
    public record Plugin(Path jar, String module, String version, String apiVersion, String sha256,
                         ModuleLayer layer) {

        /** The jar's file name, how users name a plug-in. */
        public String fileName() {
            return jar.getFileName().toString();
        }
    }

    private final List<Plugin> loaded;
    private final List<String> problems;

    private Plugins(List<Plugin> loaded, List<String> problems) {
        this.loaded = List.copyOf(loaded);
        this.problems = List.copyOf(problems);
    }

    /** No plug-ins. */
    public static Plugins none() {
        return new Plugins(List.of(), List.of());
    }

    /**
     * Loads every {@code *.jar} file directly in {@code folder}; a folder that does not exist holds no plug-ins.
     * Files of other kinds and sub-folders are ignored.
     *
     * @throws IllegalArgumentException when {@code folder} exists but is not a readable folder, naming it
     */
    public static Plugins load(Path folder) {
        if (!Files.exists(folder)) {
            return none();
        }
        if (!Files.isDirectory(folder)) {
            throw new IllegalArgumentException("plug-in folder '" + folder + "' is not a folder");
        }
        List<Path> jars = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(folder, "*.jar")) {
            for (Path p : dir) {
                if (Files.isRegularFile(p)) {
                    jars.add(p);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("plug-in folder '" + folder + "' cannot be read: " + e, e);
        }
        jars.sort(null);
        return load(jars);
    }

    /** Loads the given jars in this order, as {@link #load(Path)} loads a folder's. */
    public static Plugins load(List<Path> jars) {
        List<Plugin> loaded = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        ModuleLayer parent = Plugins.class.getModule().getLayer();
        Map<String, String> modules = new HashMap<>(); // module name -> jar that loaded it
        for (Path jar : jars) {
            try {
                if (parent == null) {
                    throw new Refused("plug-ins need " + API_MODULE + " on the module path, and it is on the class "
                            + "path here");
                }
                loaded.add(loadOne(jar, parent, modules));
            } catch (Refused e) {
                problems.add(skipped(jar, e.getMessage()));
            } catch (RuntimeException | LinkageError e) {
                problems.add(skipped(jar, "cannot be loaded: " + oneLine(e)));
            }
        }
        return new Plugins(loaded, problems);
    }

    /** The one-line problem for a jar that was not loaded. */
    static String skipped(Path jar, String reason) {
        return "plug-in " + jar.getFileName() + " skipped: " + reason;
    }

    private static Plugin loadOne(Path jar, ModuleLayer parent, Map<String, String> modules) {
        ModuleReference ref = moduleOf(jar);
        ModuleDescriptor d = ref.descriptor();
        Manifest manifest = manifest(jar);
        if (d.isAutomatic() && attribute(manifest, "Automatic-Module-Name") == null) {
            throw new Refused("not a named module: it has no module-info.class and no Automatic-Module-Name in "
                    + "its manifest");
        }
        String apiVersion = declaredApiVersion(d, manifest);
        if (apiVersion == null) {
            throw new Refused("it does not say which samplex api it was built against: compile a module-info that "
                    + "requires " + API_MODULE + ", or add " + API_VERSION_ATTRIBUTE + " to its manifest");
        }
        String host = hostApiVersion();
        if (!compatible(host, apiVersion)) {
            throw new Refused("built against samplex api " + apiVersion + ", but this samplex has api " + host
                    + " (" + rule(host) + ")");
        }
        String name = d.name();
        if (parent.findModule(name).isPresent()) {
            throw new Refused("its module " + name + " is already on samplex's module path");
        }
        if (modules.containsKey(name)) {
            throw new Refused("its module " + name + " is already loaded from " + modules.get(name));
        }
        String sha256;
        try {
            sha256 = sha256(jar);
        } catch (UncheckedIOException e) {
            throw new Refused("cannot be read: " + oneLine(e.getCause()));
        }
        Configuration cf = parent.configuration().resolve(ModuleFinder.of(jar), ModuleFinder.of(), Set.of(name));
        ModuleLayer layer = parent.defineModulesWithOneLoader(cf, List.of(parent), ClassLoader.getSystemClassLoader())
                .layer();
        modules.put(name, jar.getFileName().toString());
        return new Plugin(jar, name, d.rawVersion().orElse("unversioned"), apiVersion, sha256, layer);
    }

    /** The single module in {@code jar}; a jar that is not a readable module is refused with the reason. */
    private static ModuleReference moduleOf(Path jar) {
        Set<ModuleReference> found;
        try {
            found = ModuleFinder.of(jar).findAll();
        } catch (RuntimeException e) {
            throw new Refused("cannot be read as a module: " + oneLine(e));
        }
        if (found.size() != 1) {
            throw new Refused("cannot be read as a module");
        }
        return found.iterator().next();
    }

    /**
     * The api version a plug-in declares: its manifest's {@value #API_VERSION_ATTRIBUTE}, else the version of
     * org.samplex.api recorded when its module-info was compiled, else null.
     */
    static String declaredApiVersion(ModuleDescriptor d, Manifest manifest) {
        String attribute = attribute(manifest, API_VERSION_ATTRIBUTE);
        if (attribute != null && !attribute.isBlank()) {
            return attribute.strip();
        }
        for (ModuleDescriptor.Requires r : d.requires()) {
            if (r.name().equals(API_MODULE) && r.rawCompiledVersion().isPresent()) {
                return r.rawCompiledVersion().get();
            }
        }
        return null;
    }

    /** The version of this api module (set by the build), or "dev" when it has none (run from classes). */
    public static String hostApiVersion() {
        ModuleDescriptor d = Plugins.class.getModule().getDescriptor();
        Optional<String> v = d == null ? Optional.empty() : d.rawVersion();
        return v.orElse("dev");
    }

    /**
     * Whether a plug-in built against api {@code plugin} can run on api {@code host}. Versions are compared on
     * their major.minor numbers (a patch number and a qualifier such as -SNAPSHOT are ignored): before 1.0 the
     * api may change in any minor release, so 0.x needs the same minor; from 1.0 on a minor release only adds, so
     * the plug-in's minor must not be above the host's and the major must be the same. A host without a version
     * ("dev", samplex run from its classes) accepts every declared version; a declared version without a
     * major.minor is never compatible.
     */
    public static boolean compatible(String host, String plugin) {
        Matcher p = MAJOR_MINOR.matcher(plugin.strip());
        if (!p.matches()) {
            return false;
        }
        Matcher h = MAJOR_MINOR.matcher(host.strip());
        if (!h.matches()) {
            return true;
        }
        int hostMajor = Integer.parseInt(h.group(1));
        int hostMinor = Integer.parseInt(h.group(2));
        int major = Integer.parseInt(p.group(1));
        int minor = Integer.parseInt(p.group(2));
        if (major != hostMajor) {
            return false;
        }
        return major == 0 ? minor == hostMinor : minor <= hostMinor;
    }

    /** The compatibility rule in words, for the host's version. */
    static String rule(String host) {
        Matcher h = MAJOR_MINOR.matcher(host.strip());
        if (!h.matches()) {
            return "any version is accepted";
        }
        String major = h.group(1);
        String minor = h.group(2);
        return major.equals("0") ? "compatible: 0." + minor + ".x"
                : "compatible: " + major + ".0 to " + major + "." + minor;
    }

    private static Manifest manifest(Path jar) {
        try (JarFile f = new JarFile(jar.toFile())) {
            return f.getManifest();
        } catch (IOException e) {
            throw new Refused("cannot be read as a jar: " + oneLine(e));
        }
    }

    private static String attribute(Manifest manifest, String name) {
        if (manifest == null) {
            return null;
        }
        Attributes main = manifest.getMainAttributes();
        return main.getValue(name);
    }

    /**
     * The SHA-256 of a file's bytes in lower-case hex.
     *
     * @throws UncheckedIOException when the file cannot be read, naming it
     */
    public static String sha256(Path file) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The exception's message and its causes' (when they add something), on one line. */
    private static String oneLine(Throwable e) {
        StringBuilder m = new StringBuilder(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
        for (Throwable c = e.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            String more = c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
            if (!m.toString().contains(more)) {
                m.append(": ").append(more);
            }
        }
        return m.toString().replaceAll("\\s*\\R\\s*", "; ").strip();
    }

    /** The plug-ins that were loaded, in the order of their jars' names. */
    public List<Plugin> loaded() {
        return loaded;
    }

    /** The jars that were skipped: one line each, naming the jar and the reason. */
    public List<String> problems() {
        return problems;
    }

    /** A jar refused for a reason told to the user; never escapes {@link #load}. */
    private static final class Refused extends RuntimeException {
        Refused(String message) {
            super(message, null, false, false);
        }
    }
}
