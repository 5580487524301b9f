/**
 * Sweeps: plans and their grids, the figure presets, the results store (one implementation per SQL dialect),
 * the sweep runner, shards and merge, and the Slurm array script and Kubernetes manifest of a sharded sweep.
 * Runs each run through {@code org.samplex.experiment}; never names a concrete learner, task or backend.
 */
module org.samplex.sweep {
    requires transitive org.samplex.experiment;
    requires java.sql;
    requires org.xerial.sqlitejdbc;
    requires org.snakeyaml.engine;

    exports org.samplex.sweep;
    exports org.samplex.sweep.submit;

    // the Kubernetes client of samplex sweep submit k8s --apply, in the optional module org.samplex.kubernetes
    uses org.samplex.sweep.ClusterClient;
}
