module org.samplex.experiment {
    requires org.samplex.api;
}
