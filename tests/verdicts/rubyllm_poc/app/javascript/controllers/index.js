import { application } from "./application";
import ScrollController from "./scroll_controller";

application.register("scroll", ScrollController);
