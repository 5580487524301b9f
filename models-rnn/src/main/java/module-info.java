module org.samplex.models.rnn {
    requires org.samplex.api;
}
