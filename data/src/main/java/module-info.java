/**
 * The qSTR task family ({@code qstr}): q-sparse token regression with general and simple pointer variants,
 * linear, sum-of-linear, He2 and mean links, and fixed or resampled positional codes (docs: docs/qstr.md).
 */
module org.samplex.data {
    requires org.samplex.api;

    provides org.samplex.api.learn.TaskProvider with org.samplex.data.QstrProvider;
}
