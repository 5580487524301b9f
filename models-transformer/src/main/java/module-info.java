module org.samplex.models.transformer {
    requires org.samplex.api;
}
