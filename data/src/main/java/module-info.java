module org.samplex.data {
    requires org.samplex.api;
}
