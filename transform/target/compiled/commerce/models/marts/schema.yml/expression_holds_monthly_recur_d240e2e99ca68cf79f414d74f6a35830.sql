
select * from "warehouse"."marts"."monthly_recurring_revenue" where not (mrr = previous_mrr + new_mrr + expansion_mrr - contraction_mrr - churned_mrr)
