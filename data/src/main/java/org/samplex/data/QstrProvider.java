package org.samplex.data;

import org.samplex.api.config.Config;
import org.samplex.api.config.Schema;
import org.samplex.api.learn.Task;
import org.samplex.api.learn.TaskProvider;
import org.samplex.api.learn.TaskShape;

/** Provides the {@code qstr} task family (docs/qstr.md section 2). */
public final class QstrProvider implements TaskProvider {

    @Override
    public String name() {
        return "qstr";
    }

    @Override
    public String description() {
        return "q-sparse token regression: N tokens, each labelled by the q tokens its pointers name "
                + "(general or simple; linear, sumlinear, he2 or mean link)";
    }

    @Override
    public Schema schema() {
        return QstrConfig.SCHEMA;
    }

    /** N is option {@code N}, q option {@code q}. */
    @Override
    public String axisOption(TaskShape.Axis axis) {
        return axis.key();
    }

    @Override
    public Task create(Config config, long taskSeed) {
        return new QstrTask(QstrConfig.from(config), taskSeed);
    }
}
