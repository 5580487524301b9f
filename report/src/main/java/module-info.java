/**
 * Reports: the analysis of run records (n* per cell, medians, slopes and their intervals), the plots (XChart,
 * drawn headless with java.awt) and the report's text and files. Reads records; runs nothing.
 */
module org.samplex.report {
    requires transitive org.samplex.experiment;
    requires org.knowm.xchart;
    requires java.desktop;

    exports org.samplex.report;
}
